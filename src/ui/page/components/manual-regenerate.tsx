import { useState } from 'react';
import type { Scene } from '../api/types';
import { useSend } from '../hooks/use-send';
import { useSession } from '../session';
import { ConfirmDialog } from './confirm-dialog';
import { RegenerateForm, type RegenerateRequest } from './regenerate-form';

/** Starts a round for a scene that is not waiting for review (POST /api/scenes/:id/regenerate). */
export function ManualRegenerate({ scene, bestPrompt, onStarted }: { scene: Scene; bestPrompt: string; onStarted(): void }) {
  const session = useSession();
  const [open, setOpen] = useState(false);
  const [request, setRequest] = useState<RegenerateRequest>();
  const { sending, error, send } = useSend();
  const start = (confirmed: RegenerateRequest) =>
    send(async () => {
      await session.api.regenerateScene(scene.id, { customPrompt: confirmed.customPrompt, provider: confirmed.provider });
      setOpen(false);
      onStarted();
    });

  return (
    <section className="decision-panel" aria-label="Regenerate this scene">
      {!open ? (
        <button type="button" onClick={() => setOpen(true)}>
          Regenerate this scene…
        </button>
      ) : (
        <RegenerateForm
          initialPrompt={bestPrompt}
          currentProvider={scene.provider}
          allowNote={false}
          disabled={sending}
          submitLabel="Start a round"
          onSubmit={setRequest}
          onCancel={() => setOpen(false)}
        />
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {request && (
        <ConfirmDialog
          title="Start a regeneration round?"
          confirmLabel="Start the round"
          onConfirm={() => {
            const confirmed = request;
            setRequest(undefined);
            void start(confirmed);
          }}
          onCancel={() => setRequest(undefined)}
        >
          <p>
            A new round of attempts with your prompt{request.provider ? ` on ${request.provider}` : ''}. If none passes, the scene
            comes to the review queue.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
