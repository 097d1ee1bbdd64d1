import { condition, getExternalWorkflowHandle, log, patched, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';
import { checkUserDecision } from '../src/domain/input-checks';
import type { RegenerationPolicy } from '../src/domain/policy';
import type { EscalationReason, RegenerationResult, UserDecision } from '../src/domain/regeneration';
import type { SceneForRegeneration } from '../src/domain/scene';
import { db } from './activities';
import { regenerationEscalatedSignal, userDecisionSignal } from './messages';
import type { RoundRecord } from './round-record';
import { decisionProblem, reviewTimeoutDecision } from '../src/rules/decision';
import { PATCH_PROVIDER_HEALTH } from './provider-health-patch';
import { entryStatusFor } from '../src/rules/ending';

/** Marks runs that close their records on this ending; older recorded runs replay without it. */
export const PATCH_EXPIRE_ENTRY_ON_TIMEOUT = 'review-timeout-expires-entry';


export type Review = NonNullable<RegenerationResult['review']>;

/**
 * Reviewers' decisions as they are signalled. One is accepted only while the round awaits review
 * and none is pending; anything else changes nothing and is logged with the reason.
 */
export class ReviewInbox {
  pending: UserDecision | undefined;

  /** `scene`: when given, a regenerate naming a provider that cannot make it is refused. */
  constructor(
    private readonly record: RoundRecord,
    private readonly scene?: SceneForRegeneration,
  ) {
    setHandler(userDecisionSignal, (raw) => {
      const reason = this.refusal(raw);
      if (reason !== undefined) log.warn('userDecision ignored', { reason, sceneId: record.state.sceneId });
    });
  }

  private refusal(raw: unknown): string | undefined {
    if (this.record.state.status !== 'awaiting_review' || this.pending) return 'the round is not awaiting review';
    const checked = checkUserDecision(raw);
    if (!checked.ok) return `the decision does not fit its shape (${checked.problems.join('; ')})`;
    // Rounds recorded before the marker took any provider a person named.
    const scene = this.scene && patched(PATCH_PROVIDER_HEALTH) ? this.scene : undefined;
    const problem = decisionProblem(checked.value, this.record.roundAttempts(), scene);
    if (problem !== undefined) return problem;
    this.pending = checked.value;
    return undefined;
  }
}

/**
 * Puts the scene in the review queue and waits for a person, durably and without polling. Returns
 * the decision carried out (a person's, or the policy's when the review timed out), or undefined
 * when the review timed out with nothing to do in the person's place.
 */
export async function awaitReview(
  record: RoundRecord,
  inbox: ReviewInbox,
  scene: SceneForRegeneration,
  policy: RegenerationPolicy,
  reason: EscalationReason = 'auto_regeneration_failed',
): Promise<Review | undefined> {
  const { workflowId } = workflowInfo();
  const { state } = record;
  state.attempt = 0;
  state.awaitingReviewSince = new Date().toISOString();
  record.setStatus('awaiting_review');
  const { entryId } = await db.escalateToReview({
    workflowId,
    round: state.round,
    sceneId: scene.id,
    projectId: scene.projectId,
    sceneIndex: scene.sceneIndex,
    reason,
    bestScore: record.bestScore(),
    bestAttemptNumber: state.bestPick ? state.bestPick.attemptNumber : record.current.attemptNumber,
    ...(state.bestPick ? { bestPick: state.bestPick } : {}),
    attempts: record.roundAttempts(),
    escalatedAt: state.awaitingReviewSince,
    reviewTimeout: policy.reviewTimeout,
  });
  state.reviewEntryId = entryId;
  await tellParentOnce(record);

  const decided = policy.reviewTimeout
    ? await condition(() => inbox.pending !== undefined, policy.reviewTimeout as Duration)
    : await condition(() => inbox.pending !== undefined).then(() => true);
  if (!decided) {
    inbox.pending = reviewTimeoutDecision(policy);
    if (inbox.pending === undefined) {
      // Rounds recorded before this marker ended with their entry left pending.
      if (patched(PATCH_EXPIRE_ENTRY_ON_TIMEOUT)) {
        await db.endReviewEntry({
          entryId,
          workflowId,
          round: state.round,
          status: entryStatusFor('timed_out_without_action') as 'expired',
          reason: `No decision within ${policy.reviewTimeout}`,
          endedAt: new Date().toISOString(),
        });
      }
      state.reviewEntryId = undefined;
      return undefined;
    }
  }
  const decision = inbox.pending!;
  const decidedAt = new Date().toISOString();
  state.decision = decision;
  await db.closeReviewEntry({ entryId, workflowId, round: state.round, decision, decidedAt });
  state.reviewEntryId = undefined;
  // Cleared only now, in the same step that leaves awaiting_review: while the entry was being
  // closed, a duplicate signal (a double click) had to find a decision already taken, or it
  // would have stayed pending and decided the next round's review without a person.
  inbox.pending = undefined;
  return { decision, decidedAt };
}

/** The pipeline step that started this round stops waiting once the scene is in the queue. */
async function tellParentOnce(record: RoundRecord): Promise<void> {
  const parent = workflowInfo().parent;
  if (!parent || record.state.round > 1) return;
  try {
    await getExternalWorkflowHandle(parent.workflowId, parent.runId).signal(regenerationEscalatedSignal, record.state);
  } catch (error) {
    // A parent that is gone (terminated by an operator) has nobody left to tell.
    log.warn('could not tell the pipeline step about the escalation', { error: String(error) });
  }
}
