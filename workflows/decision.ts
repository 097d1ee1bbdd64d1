import type { RegenerationAttempt, UserDecision } from '../src/domain/regeneration';
import { UserDecisionSchema } from '../src/domain/regeneration';

export type DecisionCheck = { ok: true; decision: UserDecision } | { ok: false; reason: string };

/**
 * Whether a signalled decision can be carried out now. A decision that does not fit changes
 * nothing: the caller logs the reason and keeps waiting.
 */
export function checkDecision(
  raw: unknown,
  awaitingReview: boolean,
  roundAttempts: readonly RegenerationAttempt[],
): DecisionCheck {
  if (!awaitingReview) return { ok: false, reason: 'the round is not awaiting review' };
  const parsed = UserDecisionSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'decision'}: ${issue.message}`);
    return { ok: false, reason: `the decision does not fit its shape (${problems.join('; ')})` };
  }
  const decision = parsed.data;
  if (decision.action === 'approve' && decision.attemptNumber !== undefined && decision.attemptNumber > 0) {
    const attempt = roundAttempts.find((a) => a.attemptNumber === decision.attemptNumber);
    if (!attempt) return { ok: false, reason: `attempt ${decision.attemptNumber} does not exist in this round` };
    if (!attempt.assetUrl || !attempt.analysisResult) {
      return { ok: false, reason: `attempt ${decision.attemptNumber} produced no asset to approve` };
    }
  }
  return { ok: true, decision };
}
