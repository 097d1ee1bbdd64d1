import { REVIEW_TIMEOUT_REVIEWER, type RegenerationAttempt, type UserDecision } from './regeneration';

/**
 * Judge–human agreement (GET /api/insights and its metric): whether a reviewer's approval took
 * the asset the judge ranked best. A plain approve takes the best, so it agrees; naming an attempt
 * agrees when it is the best (0 names the asset the round started from, which is the best when
 * the entry has no best attempt), and naming a candidate too when it is the one the judge kept of
 * that attempt (`keptCandidate`; an attempt of one candidate keeps candidate 1). Undefined when
 * the decision says nothing of the judge's ranking: a rejection, a regeneration, or the
 * review-timeout policy approving in no one's place.
 */
export function approvalAgrees(decision: UserDecision, bestAttemptNumber: number | undefined, keptCandidate = 1): boolean | undefined {
  if (decision.action !== 'approve' || decision.reviewer === REVIEW_TIMEOUT_REVIEWER) return undefined;
  if (decision.attemptNumber === undefined) return true;
  if (decision.attemptNumber !== (bestAttemptNumber ?? 0)) return false;
  return decision.candidate === undefined || decision.candidate === keptCandidate;
}

/** The candidate the judge kept of an attempt: the one marked kept, or 1 for an attempt that made one. */
export function keptCandidateOf(attempts: readonly Pick<RegenerationAttempt, 'attemptNumber' | 'candidates'>[], attemptNumber: number | undefined): number {
  return attempts.find((a) => a.attemptNumber === attemptNumber)?.candidates?.find((c) => c.kept)?.candidate ?? 1;
}
