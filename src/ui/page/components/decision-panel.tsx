import { useState } from 'react';
import type { DecisionBody, ReviewEntry, Scene } from '../api/types';
import { describeDecision } from '../model/decision-text';
import { formatScore } from '../model/format';
import type { Candidate, RoundView } from '../model/round-view';
import { useSession } from '../session';
import { ConfirmDialog } from './confirm-dialog';
import { RegenerateForm, type RegenerateRequest } from './regenerate-form';

interface DecisionPanelProps {
  entry: ReviewEntry;
  scene: Scene;
  roundView: RoundView;
  selected: Candidate | undefined;
}

interface Question {
  decision: DecisionBody;
  title: string;
  text: string;
  confirmLabel: string;
  danger?: boolean;
  /** Approvals may carry a note typed into the dialog itself. */
  askNote?: boolean;
}

/** The reviewer's four choices, each confirmed before it is sent. */
export function DecisionPanel({ entry, scene, roundView, selected }: DecisionPanelProps) {
  const session = useSession();
  const [form, setForm] = useState<'none' | 'reject' | 'regenerate'>('none');
  const [question, setQuestion] = useState<Question>();
  const [dialogNote, setDialogNote] = useState('');
  const [rejectNote, setRejectNote] = useState('');
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string>();

  const best = roundView.candidates.find((c) => c.isBest);
  const bestText = best ? `${best.attemptNumber === 0 ? best.label.toLowerCase() : best.label.toLowerCase()}, score ${formatScore(best.score ?? 0)}` : '';

  const ask = (next: Question): void => {
    setError(undefined);
    setDialogNote('');
    setQuestion(next);
  };

  const send = async (decision: DecisionBody): Promise<void> => {
    setSending(true);
    setError(undefined);
    try {
      await session.api.sendDecision(entry.id, decision);
      session.markInFlight({
        entryId: entry.id,
        sceneId: entry.sceneId,
        decision,
        description: describeDecision(decision, roundView.bestAttemptNumber),
        sentAt: Date.now(),
      });
      setForm('none');
      await session.refreshPending();
    } catch (caught) {
      setError(session.describeError(caught));
      await session.refreshPending().catch(() => undefined);
    } finally {
      setSending(false);
    }
  };

  const confirm = (): void => {
    if (!question) return;
    const note = dialogNote.trim();
    const decision = question.askNote && note ? { ...question.decision, note } : question.decision;
    setQuestion(undefined);
    void send(decision);
  };

  const approveBest = (): void =>
    ask({
      decision: { action: 'approve' },
      title: 'Approve the best?',
      text: `The scene keeps the best asset of round ${roundView.round} (${bestText}).${roundView.bestWhy ? ` ${roundView.bestWhy}.` : ''}`,
      confirmLabel: 'Approve the best',
      askNote: true,
    });

  const approveSelected = (): void => {
    if (!selected) return;
    const what = selected.attemptNumber === 0 ? `the asset the round started from (${selected.label.toLowerCase()})` : selected.label.toLowerCase();
    ask({
      decision: { action: 'approve', attemptNumber: selected.attemptNumber },
      title: `Approve ${selected.attemptNumber === 0 ? 'the starting asset' : selected.label.toLowerCase()}?`,
      text: `The scene takes ${what} by ${selected.provider}, score ${formatScore(selected.score ?? 0)}.`,
      confirmLabel: `Approve ${selected.attemptNumber === 0 ? 'it' : selected.label.toLowerCase()}`,
      askNote: true,
    });
  };

  const reject = (): void => {
    const note = rejectNote.trim();
    if (!note) return;
    ask({
      decision: { action: 'reject', note },
      title: 'Reject the scene?',
      text: 'The scene keeps no generated asset and is marked rejected.',
      confirmLabel: 'Reject the scene',
      danger: true,
    });
  };

  const regenerate = (request: RegenerateRequest): void =>
    ask({
      decision: { action: 'regenerate', ...request },
      title: 'Start another round?',
      text: `Round ${roundView.round + 1} starts from the current best with your prompt${request.provider ? ` on ${request.provider}` : ''}. If it fails too, the scene comes back to this queue.`,
      confirmLabel: 'Start the round',
    });

  return (
    <section className="decision-panel" aria-labelledby="decision-title">
      <h2 id="decision-title">Your decision</h2>
      <div className="decision-buttons">
        <button type="button" className="primary" disabled={sending} onClick={approveBest}>
          Approve best{best ? ` (${best.attemptNumber === 0 ? 'starting asset' : best.label.toLowerCase()})` : ''}
        </button>
        <button
          type="button"
          disabled={sending || selected === undefined}
          onClick={approveSelected}
          title={selected ? undefined : 'Choose an attempt (or the starting asset) below first'}
        >
          {selected ? `Approve ${selected.attemptNumber === 0 ? 'starting asset' : selected.label.toLowerCase()}` : 'Approve selected'}
        </button>
        <button type="button" aria-expanded={form === 'reject'} disabled={sending} onClick={() => setForm(form === 'reject' ? 'none' : 'reject')}>
          Reject…
        </button>
        <button
          type="button"
          aria-expanded={form === 'regenerate'}
          disabled={sending}
          onClick={() => setForm(form === 'regenerate' ? 'none' : 'regenerate')}
        >
          Regenerate…
        </button>
      </div>
      {selected === undefined && <p className="hint">To approve another attempt, choose it in its card below.</p>}
      {form === 'reject' && (
        <form
          className="decision-form"
          aria-label="Reject with a note"
          onSubmit={(event) => {
            event.preventDefault();
            reject();
          }}
        >
          <label htmlFor="reject-note">Why is it rejected?</label>
          <textarea id="reject-note" rows={3} required maxLength={2000} value={rejectNote} onChange={(event) => setRejectNote(event.target.value)} />
          <div className="actions">
            <button type="button" onClick={() => setForm('none')}>
              Cancel
            </button>
            <button type="submit" className="danger" disabled={sending || rejectNote.trim() === ''}>
              Reject the scene
            </button>
          </div>
        </form>
      )}
      {form === 'regenerate' && (
        <RegenerateForm
          initialPrompt={roundView.bestPrompt}
          currentProvider={best?.provider ?? scene.provider}
          allowNote
          disabled={sending}
          submitLabel="Start another round"
          onSubmit={regenerate}
          onCancel={() => setForm('none')}
        />
      )}
      {sending && (
        <p className="progress" role="status">
          <span className="spinner" aria-hidden="true" /> Sending the decision…
        </p>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {question && (
        <ConfirmDialog
          title={question.title}
          confirmLabel={question.confirmLabel}
          danger={question.danger}
          onConfirm={confirm}
          onCancel={() => setQuestion(undefined)}
        >
          <p>{question.text}</p>
          {question.askNote && (
            <>
              <label htmlFor="dialog-note">Note (optional)</label>
              <input id="dialog-note" type="text" maxLength={2000} value={dialogNote} onChange={(event) => setDialogNote(event.target.value)} />
            </>
          )}
        </ConfirmDialog>
      )}
    </section>
  );
}
