import type { ReviewEntry } from '../api/types';
import { describeDecision } from '../model/decision-text';
import { formatDateTime } from '../model/format';
import { TemporalLink } from './temporal-link';

/** Who decided what and when, for every closed entry of the scene. */
export function DecisionHistory({ entries }: { entries: ReviewEntry[] }) {
  if (entries.length === 0) return null;
  return (
    <section className="decision-history" aria-labelledby="history-title">
      <h2 id="history-title">Decisions</h2>
      <ol>
        {entries.map((entry) => (
          <li key={entry.id}>
            <DecidedLine entry={entry} /> <TemporalLink workflowId={entry.workflowId} label="workflow" />
          </li>
        ))}
      </ol>
    </section>
  );
}

export function DecidedLine({ entry }: { entry: ReviewEntry }) {
  if (!entry.decision) return <span>Round {entry.round}: closed</span>;
  return (
    <span className="decided-line">
      Round {entry.round}: <strong>{describeDecision(entry.decision, entry.bestAttemptNumber)}</strong> by{' '}
      {entry.decidedBy ?? entry.decision.reviewer}
      {entry.decidedAt && <> · {formatDateTime(entry.decidedAt)}</>}
      {entry.decision.note && <> · “{entry.decision.note}”</>}
    </span>
  );
}
