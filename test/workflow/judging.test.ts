import assert from 'node:assert/strict';
import { userDecisionSignal } from '../../workflows/messages';
import { fakeActivities, unusable } from '../helpers/fake-activities';
import { activitySummaries, historyEvents } from '../helpers/history';
import { sceneInput } from '../helpers/scenes';
import { testEnv } from '../helpers/temporal';
import { workflowBundle } from '../helpers/workflow-bundle';
import { waitForStatus, withWorker } from '../helpers/workflow-runner';

/** SPEC.md "Judging and choosing", on a real Temporal server with scripted activities. */
describe('judging: a score near the bar, critical_fail, a person’s prompt', function () {
  this.timeout(120_000);

  before(async function () {
    this.timeout(240_000);
    await Promise.all([testEnv(), workflowBundle()]);
  });

  it('judges a score in the band 3 times within one judging activity; the median (71) passes', async () => {
    const { activities, calls } = fakeActivities({ scores: [68, 74, 71] });
    await withWorker(activities, async ({ start }) => {
      const handle = await start(sceneInput());
      const result = await handle.result();
      assert.equal(result.outcome, 'passed');
      assert.equal(result.finalScore, 71);
      assert.equal(result.attempts.length, 1);
      const [attempt] = result.attempts;
      assert.equal(attempt.result, 'success');
      assert.equal(attempt.scoreAfter, 71);
      assert.equal(attempt.analysisResult?.overallScore, 71);
      assert.deepEqual(attempt.judgments, [
        { score: 68, costUsd: 0.01 },
        { score: 74, costUsd: 0.01 },
        { score: 71, costUsd: 0.01 },
      ]);
      assert.equal(attempt.costUsd, 0.53, 'the generation (0.50) and every judgment');
      assert.equal(calls.analyses.length, 3);
      assert.ok(calls.analyses.every((request) => request.asset.url === attempt.assetUrl), 'the same asset judged again');
      // One workflow task for all three: the judgments are one step of the attempt.
      const judging = activitySummaries(await historyEvents(handle)).filter((s) => s.startsWith('judgeAsset'));
      assert.deepEqual(judging, ['judgeAsset: attempt 1 · kling · judge']);
    });
  });

  it('72, 66, 69: the median (69) fails; a score outside the band is judged once', async () => {
    const { activities, calls } = fakeActivities({ scores: [72, 66, 69, 45, 50] });
    await withWorker(activities, async ({ start }) => {
      const handle = await start(sceneInput());
      const state = await waitForStatus(handle, 'awaiting_review');
      assert.deepEqual(
        state.attempts.map((a) => [a.scoreAfter, a.result, a.judgments?.map((j) => j.score), a.costUsd]),
        [
          [69, 'improved', [72, 66, 69], 0.53],
          [45, 'failed', [45], 0.51],
          [50, 'failed', [50], 0.51],
        ],
      );
      assert.equal(calls.analyses.length, 5);
      await handle.signal(userDecisionSignal, { action: 'reject', reviewer: 'ana' });
      await handle.result();
    });
  });

  it('takes the band and the number of judgments from the policy', async () => {
    // A band of 10 keeps all of these near the bar; the median of the five is 66.
    const { activities, calls } = fakeActivities({ scores: [62, 75, 66, 64, 70, 90] });
    await withWorker(activities, async ({ start }) => {
      const handle = await start(sceneInput({}, { policy: { uncertaintyBand: 10, judgmentsNearBar: 5 } }));
      const result = await handle.result();
      assert.deepEqual(result.attempts[0].judgments?.map((j) => j.score), [62, 75, 66, 64, 70]);
      assert.equal(result.attempts[0].scoreAfter, 66);
      assert.equal(calls.analyses.length, 6);
      assert.equal(result.finalScore, 90);
    });
  });

  it('a judgment near the bar that fails ends the judging, not the attempt: the judgments made decide', async () => {
    const { activities } = fakeActivities({ scores: [68, 0, 80], analysisFailures: { 1: unusable } });
    await withWorker(activities, async ({ start }) => {
      const handle = await start(sceneInput());
      const result = await handle.result();
      const [first, second] = result.attempts;
      assert.equal(first.failure, undefined);
      assert.deepEqual(first.judgments, [{ score: 68, costUsd: 0.01 }]);
      assert.equal(first.scoreAfter, 68);
      assert.equal(first.result, 'improved');
      assert.equal(second.result, 'success');
    });
  });

  it('a critical_fail never passes, even at 90: the round goes on', async () => {
    const { activities } = fakeActivities({ scores: [90, 80], recommendations: { 0: 'critical_fail' } });
    await withWorker(activities, async ({ start }) => {
      const handle = await start(sceneInput());
      const result = await handle.result();
      const [first, second] = result.attempts;
      assert.deepEqual([first.scoreAfter, first.analysisResult?.recommendation, first.result], [90, 'critical_fail', 'failed']);
      // It does not become current either: attempt 2 is judged against the scene's own 40.
      assert.equal(second.scoreBefore, 40);
      assert.equal(second.result, 'success');
      assert.equal(result.finalScore, 80);
      assert.equal(result.newAssetUrl, second.assetUrl);
    });
  });

  it('a manual round with a custom prompt is judged against that prompt, not the scene’s direction', async () => {
    const { activities, calls } = fakeActivities({ scores: [45, 80] });
    await withWorker(activities, async ({ start }) => {
      const handle = await start(sceneInput({}, { trigger: 'manual', customPrompt: 'A red barn in the snow' }));
      await handle.result();
      assert.deepEqual(
        calls.analyses.map((a) => a.scene.visualDirection),
        ['A red barn in the snow', 'A red barn in the snow'],
      );
    });
  });

  it('a reviewer’s regenerate with a prompt: that round is judged against it, the first round against the scene', async () => {
    const { activities, calls } = fakeActivities({ scores: [45, 48, 50, 85] });
    await withWorker(activities, async ({ start }) => {
      const handle = await start(sceneInput());
      await waitForStatus(handle, 'awaiting_review');
      await handle.signal(userDecisionSignal, { action: 'regenerate', customPrompt: 'A golden valley at dawn', reviewer: 'ana' });
      const result = await handle.result();
      assert.equal(result.outcome, 'passed');
      assert.deepEqual(
        calls.analyses.map((a) => a.scene.visualDirection),
        ['A misty valley at sunrise', 'A misty valley at sunrise', 'A misty valley at sunrise', 'A golden valley at dawn'],
      );
    });
  });
});
