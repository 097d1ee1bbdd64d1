import { REVIEW_TIMEOUT_REVIEWER, type UserDecision } from './regeneration';

/**
 * Judge–human agreement (GET /api/insights and its metric): whether a reviewer's approval took
 * the asset the judge ranked best. A plain approve takes the best, so it agrees; naming an attempt
 * agrees when it is the best (0 names the asset the round started from, which is the best when
 * the entry has no best attempt). Undefined when the decision says nothing of the judge's
 * ranking: a rejection, a regeneration, or the review-timeout policy approving in no one's place.
 */
export function approvalAgrees(decision: UserDecision, bestAttemptNumber: number | undefined): boolean | undefined {
  if (decision.action !== 'approve' || decision.reviewer === REVIEW_TIMEOUT_REVIEWER) return undefined;
  if (decision.attemptNumber === undefined) return true;
  return decision.attemptNumber === (bestAttemptNumber ?? 0);
}
