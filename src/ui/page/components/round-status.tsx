import type { ReactNode } from 'react';
import type { RegenerationState, ReviewEntry } from '../api/types';
import { describeDecision } from '../model/decision-text';
import { describeEscalationReason } from '../model/escalation-text';
import { formatDateTime, formatScore, formatWaited } from '../model/format';
import type { DecisionInFlight } from '../session';

interface RoundStatusProps {
  now: number;
  pendingEntry: ReviewEntry | undefined;
  inFlight: DecisionInFlight | undefined;
  /** A decision this page sent that the workflow has since carried out. */
  carriedOut: ReviewEntry | undefined;
  /** A decision this page sent that closed its entry while the scene record does not show it yet. */
  savingOutcome: ReviewEntry | undefined;
  latestDecided: ReviewEntry | undefined;
  state: RegenerationState | undefined;
  manualRoundRequested: boolean;
}

/** One line on where the scene's review stands, announced to screen readers as it changes. */
export function RoundStatus({
  now,
  pendingEntry,
  inFlight,
  carriedOut,
  savingOutcome,
  latestDecided,
  state,
  manualRoundRequested,
}: RoundStatusProps) {
  const running = state?.status === 'regenerating';
  let content: ReactNode;
  if (inFlight && pendingEntry) {
    content = (
      <p className="banner banner-progress">
        <span className="spinner" aria-hidden="true" /> Decision sent: <strong>{inFlight.description}</strong>. Waiting for the
        workflow to carry it out ({formatWaited(now - inFlight.sentAt)})…
      </p>
    );
  } else if (running) {
    content = (
      <div className="banner banner-progress">
        <span className="spinner" aria-hidden="true" />{' '}
        {carriedOut ? <>Done: {describeDecision(carriedOut.decision!)}. </> : null}
        Round {state.round} is running: attempt {Math.max(state.attempt, 1)} of {state.maxAttempts}.
        <progress max={state.maxAttempts} value={Math.max(state.attempt - 1, 0)} aria-label="Attempts finished" />
      </div>
    );
  } else if (savingOutcome?.decision) {
    content = (
      <p className="banner banner-progress">
        <span className="spinner" aria-hidden="true" /> Decision taken: <strong>{describeDecision(savingOutcome.decision)}</strong>. Waiting
        for the workflow to save the scene&rsquo;s outcome…
      </p>
    );
  } else if (manualRoundRequested && !pendingEntry) {
    content = (
      <p className="banner banner-progress">
        <span className="spinner" aria-hidden="true" /> Starting a new round…
      </p>
    );
  } else if (carriedOut?.decision) {
    content = (
      <p className="banner banner-done">
        Done: <strong>{describeDecision(carriedOut.decision)}</strong>, carried out by the workflow. The entry has left the queue.
      </p>
    );
  } else if (pendingEntry) {
    content = (
      <p className="banner banner-waiting">
        Waiting for a decision for <strong>{formatWaited(now - Date.parse(pendingEntry.createdAt))}</strong> · round {pendingEntry.round} ·
        best score {formatScore(pendingEntry.bestScore)} ·{' '}
        {describeEscalationReason(pendingEntry.reason)}
        {pendingEntry.reasonDetail ? <span className="reason-detail">{pendingEntry.reasonDetail}</span> : null}
      </p>
    );
  } else if (latestDecided?.decision) {
    content = (
      <p className="banner banner-done">
        {describeDecision(latestDecided.decision, latestDecided.bestAttemptNumber)} by {latestDecided.decidedBy ?? latestDecided.decision.reviewer}
        {latestDecided.decidedAt ? `, ${formatDateTime(latestDecided.decidedAt)}` : ''}
        {latestDecided.decision.note ? ` · “${latestDecided.decision.note}”` : ''}
      </p>
    );
  }
  return (
    <div className="round-status" role="status" aria-live="polite">
      {content}
    </div>
  );
}
