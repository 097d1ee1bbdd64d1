import { useState } from 'react';
import type { DecisionBody, ReviewEntry } from '../api/types';
import { useSend } from '../hooks/use-send';
import { auditQuestion, type DecisionQuestion } from '../model/decision-questions';
import { describeDecision } from '../model/decision-text';
import { useSession } from '../session';
import { DecisionDialog } from './decision-dialog';
import { RejectForm } from './reject-form';

/**
 * An audit entry's two answers (SPEC.md "Judging and choosing"): the scene passed and its round
 * is over, so there is nothing to pick or regenerate; the verdict is a label for calibration.
 */
export function AuditPanel({ entry }: { entry: ReviewEntry }) {
  const session = useSession();
  const { sending, error, clearError, send } = useSend();
  const [rejecting, setRejecting] = useState(false);
  const [question, setQuestion] = useState<DecisionQuestion>();

  const ask = (next: DecisionQuestion): void => {
    clearError();
    setQuestion(next);
  };
  const decide = (decision: DecisionBody): void => {
    setQuestion(undefined);
    void send(
      async () => {
        await session.api.sendDecision(entry.id, decision);
        session.markInFlight({ entryId: entry.id, sceneId: entry.sceneId, decision, description: describeDecision(decision, entry.bestAttemptNumber), sentAt: Date.now() });
        setRejecting(false);
        await session.refreshPending();
      },
      () => session.refreshPending(),
    );
  };

  return (
    <section className="decision-panel" aria-labelledby="audit-title">
      <h2 id="audit-title">
        <span className="tag tag-reason">Audit</span> Would you accept this passed asset?
      </h2>
      <p className="hint">The scene passed at {Math.round(entry.bestScore)} and keeps its asset; your answer calibrates the bar.</p>
      <div className="decision-buttons">
        <button type="button" className="primary" disabled={sending} onClick={() => ask(auditQuestion(true, entry.bestScore))}>
          Approve
        </button>
        <button type="button" aria-expanded={rejecting} disabled={sending} onClick={() => setRejecting(!rejecting)}>
          Reject…
        </button>
      </div>
      {rejecting && <RejectForm disabled={sending} onReject={(note) => ask(auditQuestion(false, entry.bestScore, note))} onCancel={() => setRejecting(false)} />}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {question && <DecisionDialog question={question} onConfirm={decide} onCancel={() => setQuestion(undefined)} />}
    </section>
  );
}
