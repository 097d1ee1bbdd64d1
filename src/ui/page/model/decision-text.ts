import type { DecisionBody, UserDecision } from '../api/types';

/** A decision in a few words, for the queue's history and the confirmation question. */
export function describeDecision(decision: UserDecision | DecisionBody, bestAttemptNumber?: number): string {
  switch (decision.action) {
    case 'approve':
      if (decision.attemptNumber === undefined) {
        return bestAttemptNumber === undefined ? 'Approved the best' : `Approved the best (attempt ${bestAttemptNumber})`;
      }
      if (decision.attemptNumber === 0) return 'Approved the starting asset';
      return decision.candidate === undefined
        ? `Approved attempt ${decision.attemptNumber}`
        : `Approved attempt ${decision.attemptNumber}, candidate ${decision.candidate}`;
    case 'reject':
      return 'Rejected';
    case 'regenerate': {
      const details = [
        decision.provider ? `with ${decision.provider}` : undefined,
        decision.customPrompt ? 'a new prompt' : undefined,
      ].filter((part) => part !== undefined);
      return details.length === 0 ? 'Asked for another round' : `Asked for another round (${details.join(', ')})`;
    }
  }
}
