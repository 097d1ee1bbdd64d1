import assert from 'node:assert/strict';
import { roundWrites } from './round-writes';
import { getInsights } from '../../src/db/insights';
import type { RoundWrites } from './round-writes';
import { approvalAgrees, keptCandidateOf } from '../../src/domain/judge-agreement';
import { REVIEW_TIMEOUT_REVIEWER, type AttemptCandidate, type UserDecision } from '../../src/domain/regeneration';
import { metricValue } from '../ops/metric-values';
import { attempt, PROJECT_ID, SCENE_ID, sceneRequest, WORKFLOW_ID } from './fixtures';
import { describeEachDatabase } from './test-databases';

describe('judge–human agreement: which decisions count', () => {
  const cases: [string, UserDecision, number | undefined, boolean | undefined][] = [
    ['a plain approve takes the best', { action: 'approve', reviewer: 'ana' }, 2, true],
    ['approving the best by number', { action: 'approve', attemptNumber: 2, reviewer: 'ana' }, 2, true],
    ['approving another attempt', { action: 'approve', attemptNumber: 1, reviewer: 'ana' }, 2, false],
    ['approving the starting asset when it is the best', { action: 'approve', attemptNumber: 0, reviewer: 'ana' }, undefined, true],
    ['approving the starting asset over a better attempt', { action: 'approve', attemptNumber: 0, reviewer: 'ana' }, 3, false],
    ['a rejection says nothing of the ranking', { action: 'reject', reviewer: 'ana' }, 2, undefined],
    ['nor does a regeneration', { action: 'regenerate', reviewer: 'ana' }, 2, undefined],
    ['nor the review-timeout policy’s approval', { action: 'approve', reviewer: REVIEW_TIMEOUT_REVIEWER }, 2, undefined],
  ];
  for (const [name, decision, best, expected] of cases) {
    it(name, () => assert.equal(approvalAgrees(decision, best), expected));
  }

  it('naming a candidate agrees only when it is the one the judge kept of the best attempt', () => {
    const approve = (attemptNumber: number, candidate: number): UserDecision => ({ action: 'approve', attemptNumber, candidate, reviewer: 'ana' });
    assert.equal(approvalAgrees(approve(2, 3), 2, 3), true);
    assert.equal(approvalAgrees(approve(2, 1), 2, 3), false);
    assert.equal(approvalAgrees(approve(1, 3), 2, 3), false, 'the kept candidate of another attempt');
    assert.equal(approvalAgrees(approve(2, 1), 2), true, 'an attempt of one candidate keeps candidate 1');
    const attempts = [attempt(1, 1, 55), attempt(1, 2, 60, { candidates: [candidate(1, false), candidate(2, true)] })];
    assert.equal(keptCandidateOf(attempts, 2), 2);
    assert.equal(keptCandidateOf(attempts, 1), 1);
    assert.equal(keptCandidateOf(attempts, undefined), 1);
  });
});

function candidate(n: number, kept: boolean): AttemptCandidate {
  return { candidate: n, provider: n === 1 ? 'kling' : 'luma', prompt: `candidate ${n}`, scoreAfter: 60, kept };
}

describeEachDatabase('judge–human agreement from the review queue', ({ db }) => {
  let activities: RoundWrites;
  beforeEach(async () => {
    activities = roundWrites(db());
    await activities.saveScene(sceneRequest());
  });

  /** An entry of its own round whose best is `best` (its attempt 2 kept candidate 2 of two), closed by `decision` (when given). */
  async function entry(round: number, best: number | undefined, decision?: UserDecision, projectId = PROJECT_ID) {
    const key = { workflowId: WORKFLOW_ID, runId: 'run-a', round };
    await activities.escalateToReview({
      ...key,
      sceneId: SCENE_ID,
      projectId,
      sceneIndex: 3,
      reason: 'auto_regeneration_failed',
      bestScore: 60,
      bestAttemptNumber: best,
      attempts: [attempt(round, 1, 55), attempt(round, 2, 60, { candidates: [candidate(1, false), candidate(2, true)] }), attempt(round, 3, 58)],
      escalatedAt: new Date(Date.UTC(2025, 0, 1, round)).toISOString(),
    });
    if (decision) await activities.closeReviewEntry({ ...key, decision, decidedAt: new Date(Date.UTC(2025, 0, 2, round)).toISOString() });
  }

  it('counts reviewers’ approvals of the best, in the insights and the metric, once per entry', async () => {
    const agreedBefore = await metricValue('judge_human_agreement_total', { agreed: 'true' });
    const disagreedBefore = await metricValue('judge_human_agreement_total', { agreed: 'false' });
    await entry(1, 2, { action: 'approve', reviewer: 'ana' });
    await entry(2, 2, { action: 'approve', attemptNumber: 2, reviewer: 'ana' });
    await entry(3, 2, { action: 'approve', attemptNumber: 1, reviewer: 'bo' });
    await entry(4, undefined, { action: 'approve', attemptNumber: 0, reviewer: 'bo' });
    await entry(5, 2, { action: 'reject', reviewer: 'ana' });
    await entry(6, 2, { action: 'approve', reviewer: REVIEW_TIMEOUT_REVIEWER });
    await entry(7, 2);
    // Another project's disagreement.
    await entry(8, 2, { action: 'approve', attemptNumber: 3, reviewer: 'ana' }, PROJECT_ID + 1);
    // The best attempt's kept candidate agrees; its other candidate does not.
    await entry(9, 2, { action: 'approve', attemptNumber: 2, candidate: 2, reviewer: 'ana' });
    await entry(10, 2, { action: 'approve', attemptNumber: 2, candidate: 1, reviewer: 'bo' });
    // A retried close changes nothing and counts nothing.
    await activities.closeReviewEntry({
      workflowId: WORKFLOW_ID,
      runId: 'run-a',
      round: 3,
      decision: { action: 'approve', attemptNumber: 1, reviewer: 'bo' },
      decidedAt: new Date().toISOString(),
    });

    assert.deepEqual((await getInsights(db())).agreement, { decided: 7, approvedJudgesBest: 4, rate: 0.5714 });
    assert.deepEqual((await getInsights(db(), { projectId: PROJECT_ID })).agreement, { decided: 6, approvedJudgesBest: 4, rate: 0.6667 });
    assert.deepEqual((await getInsights(db(), { projectIds: [999] })).agreement, { decided: 0, approvedJudgesBest: 0, rate: null });
    assert.equal(await metricValue('judge_human_agreement_total', { agreed: 'true' }), agreedBefore + 4);
    assert.equal(await metricValue('judge_human_agreement_total', { agreed: 'false' }), disagreedBefore + 3);
  });
});
