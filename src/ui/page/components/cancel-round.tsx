import { useState } from 'react';
import { useSend } from '../hooks/use-send';
import { useSession } from '../session';
import { ConfirmDialog } from './confirm-dialog';

/**
 * Cancels the scene's running round (POST /api/scenes/:id/regeneration/cancel) after a
 * confirmation. The round itself closes its queue entry and restores the scene; the page sees
 * that on its next poll.
 */
export function CancelRound({ sceneId, onRequested }: { sceneId: number; onRequested(): void }) {
  const session = useSession();
  const [asking, setAsking] = useState(false);
  const { sending, error, send } = useSend();
  const cancel = () =>
    send(async () => {
      await session.api.cancelRound(sceneId);
      onRequested();
    });

  return (
    <section className="cancel-round" aria-label="Cancel this round">
      <button type="button" className="danger" disabled={sending} onClick={() => setAsking(true)}>
        Cancel this round…
      </button>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {asking && (
        <ConfirmDialog
          title="Cancel the regeneration round?"
          confirmLabel="Cancel the round"
          danger
          onConfirm={() => {
            setAsking(false);
            void cancel();
          }}
          onCancel={() => setAsking(false)}
        >
          <p>
            The round stops: a generation in flight is abandoned (what it cost is recorded), its review entry is closed as
            cancelled and the scene keeps the asset it had before the round.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
