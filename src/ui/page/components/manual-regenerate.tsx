import { useState } from 'react';
import type { Scene } from '../api/types';
import { useSession } from '../session';
import { ConfirmDialog } from './confirm-dialog';
import { RegenerateForm, type RegenerateRequest } from './regenerate-form';

/** Starts a round for a scene that is not waiting for review (POST /api/scenes/:id/regenerate). */
export function ManualRegenerate({ scene, bestPrompt, onStarted }: { scene: Scene; bestPrompt: string; onStarted(): void }) {
  const session = useSession();
  const [open, setOpen] = useState(false);
  const [request, setRequest] = useState<RegenerateRequest>();
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string>();

  const start = async (confirmed: RegenerateRequest): Promise<void> => {
    setSending(true);
    setError(undefined);
    try {
      await session.api.regenerateScene(scene.id, { customPrompt: confirmed.customPrompt, provider: confirmed.provider });
      setOpen(false);
      onStarted();
    } catch (caught) {
      setError(session.describeError(caught));
    } finally {
      setSending(false);
    }
  };

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
