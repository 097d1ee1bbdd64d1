import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { userDecisionSignal } from '../../workflows/messages';
import { fakeActivities, keptAsset, refused } from '../helpers/fake-activities';
import { sceneInput } from '../helpers/scenes';
import { testEnv } from '../helpers/temporal';
import { workflowBundle } from '../helpers/workflow-bundle';
import { waitForStatus, waitUntil, withWorker } from '../helpers/workflow-runner';

/** A scene whose first generation failed: no asset, a critical_fail verdict (workflows/scene-asset.ts). */
const NO_ASSET = {
  currentAssetUrl: undefined,
  analysisResult: {
    overallScore: 0,
    recommendation: 'critical_fail' as const,
    issues: [{ category: 'technical' as const, severity: 'critical' as const, description: 'First asset failed: content_refused' }],
  },
};

describe('the round\'s best and what can be approved (SPEC.md "Judging and choosing")', function () {
  this.timeout(120_000);
  before(async function () {
    this.timeout(240_000);
    await Promise.all([testEnv(), workflowBundle()]);
  });

  it("a reviewer's regenerate starts from the round's best (63), not from current (55), and that asset stays approvable", async () => {
    // Start 40; attempt 1 55 (improved: current); attempt 2 63 (+8: failed, but the best); attempt 3 50.
    const { activities, calls } = fakeActivities({ scores: [55, 63, 50, 45, 48, 52] });
    await withWorker(activities, async ({ start }) => {
      const handle = await start(sceneInput());
      await waitForStatus(handle, 'awaiting_review');
      await waitUntil(() => calls.escalations.length === 1);
      assert.equal(calls.escalations[0].bestScore, 63);
      await handle.signal(userDecisionSignal, { action: 'regenerate', reviewer: 'ana' });
      const second = await waitForStatus(handle, 'awaiting_review', 30_000, (s) => s.round === 2);
      const round2 = second.attempts.filter((a) => a.round === 2);
      assert.deepEqual(round2.map((a) => a.scoreBefore), [63, 63, 63], 'round 2 is judged against the best');
      // The best of round 1 is round 2's start: attempt 0 approves it.
      await handle.signal(userDecisionSignal, { action: 'approve', attemptNumber: 0, reviewer: 'ana' });
      const result = await handle.result();
      assert.equal(result.outcome, 'approved');
      assert.equal(result.finalScore, 63);
      assert.equal(result.newAssetUrl, 'http://assets.test/assets/task-1.png');
      assert.equal(keptAsset(calls.outcomes.at(-1))?.url, 'http://assets.test/assets/task-1.png');
    });
  });

  it('with nothing approvable (no starting asset, every attempt failed), a plain approve is refused; a reject still ends it', async () => {
    const { activities, calls } = fakeActivities({ scores: [45], submitFailures: { 0: refused, 1: refused, 2: refused } });
    await withWorker(activities, async ({ start }) => {
      const handle = await start(sceneInput(NO_ASSET));
      const waiting = await waitForStatus(handle, 'awaiting_review');
      assert.equal(waiting.bestPick, undefined);
      await waitUntil(() => calls.escalations.length === 1);
      assert.equal(calls.escalations[0].bestPick, undefined);
      await handle.signal(userDecisionSignal, { action: 'approve', reviewer: 'ana' });
      await handle.signal(userDecisionSignal, { action: 'approve', attemptNumber: 0, reviewer: 'ana' });
      await sleep(1_000);
      const still = await waitForStatus(handle, 'awaiting_review');
      assert.equal(still.decision, undefined, 'neither approval was taken');
      await handle.signal(userDecisionSignal, { action: 'reject', reviewer: 'ana' });
      assert.equal((await handle.result()).outcome, 'rejected');
    });
  });

  it('a starting asset judged critical_fail is never the best: approve_best on a review timeout ends as review_timed_out', async () => {
    const criticalStart = { ...NO_ASSET, currentAssetUrl: 'http://assets.test/assets/wrong-subject.png' };
    const { activities, calls } = fakeActivities({ scores: [45], submitFailures: { 0: refused, 1: refused, 2: refused } });
    await withWorker(activities, async ({ start }) => {
      const handle = await start(sceneInput(criticalStart, { policy: { reviewTimeout: '2s', onReviewTimeout: 'approve_best' } }));
      const result = await handle.result();
      assert.equal(result.outcome, 'review_timed_out');
      assert.equal(result.review, undefined);
      assert.deepEqual(calls.outcomes.map((o) => o.outcome), ['review_timed_out']);
      assert.equal(calls.endedEntries[0]?.status, 'expired');
    });
  });
});
