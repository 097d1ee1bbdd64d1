import { condition, log, setHandler } from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';
import { checkUserDecision } from '../src/domain/input-checks';
import type { SceneForRegeneration } from '../src/domain/scene';
import type { UserDecision } from '../src/domain/regeneration';
import { decisionProblem, reviewTimeoutDecision } from '../src/rules/decision';
import { userDecisionSignal } from './messages';
import type { Review, RoundRecord } from './round-record';

/**
 * Reviewers' decisions as they are signalled. One is accepted only while the round awaits review
 * and none is pending, and only if it can be carried out; anything else changes nothing and is
 * logged with the reason.
 */
export class ReviewInbox {
  private pending: UserDecision | undefined;

  constructor(
    private readonly record: RoundRecord,
    private readonly scene: SceneForRegeneration,
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
    const problem =
      decisionProblem(checked.value, this.record.roundAttempts(), this.scene) ??
      (checked.value.action === 'approve' && this.record.approvedAsset(checked.value.attemptNumber, checked.value.candidate) === undefined
        ? 'nothing to approve: neither the round nor the scene has an asset that could pass'
        : undefined);
    if (problem !== undefined) return problem;
    this.pending = checked.value;
    return undefined;
  }

  /**
   * Waits, durably and without polling, for a person's decision, or the review timeout's. Returns
   * it, or undefined when the time ran out with nothing to do in the person's place (no
   * `onReviewTimeout`, or `approve_best` with nothing approvable). The decision stays pending (a
   * duplicate signal finds it taken) until the round leaves awaiting_review.
   */
  async nextDecision(): Promise<Review | undefined> {
    const { policy } = this.record;
    const decided = policy.reviewTimeout
      ? await condition(() => this.pending !== undefined, policy.reviewTimeout as Duration)
      : await condition(() => this.pending !== undefined).then(() => true);
    if (!decided) {
      const byPolicy = reviewTimeoutDecision(policy);
      if (byPolicy === undefined || (byPolicy.action === 'approve' && this.record.bestAsset() === undefined)) return undefined;
      this.pending = byPolicy;
    }
    return { decision: this.pending!, decidedAt: new Date().toISOString() };
  }

  /** The round has left awaiting_review: the next review takes a new decision. */
  clear(): void {
    this.pending = undefined;
  }
}
