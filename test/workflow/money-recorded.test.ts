import assert from 'node:assert/strict';
import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../../src/domain/failures';
import { userDecisionSignal } from '../../workflows/messages';
import { fakeActivities } from '../helpers/fake-activities';
import { sceneInput } from '../helpers/scenes';
import { testEnv } from '../helpers/temporal';
import { workflowBundle } from '../helpers/workflow-bundle';
import { waitForReviewEntry, withWorker } from '../helpers/workflow-runner';

/** Claude's answers were paid for, twice, and neither could be used: the failure carries their cost. */
const unusable = (costUsd: number) => () =>
  ApplicationFailure.create({
    type: FailureType.analysisUnusable,
    message: "Claude's analysis was unusable after one corrective retry",
    nonRetryable: true,
    details: [{ usage: { inputTokens: 3000, outputTokens: 800, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 }, costUsd }],
  });

/**
 * SPEC.md: money spent is money recorded. A judgment or a comparison whose answers could not be
 * used still paid for their tokens; the attempt's cost carries them.
 */
describe('money spent on Claude is recorded, answers usable or not', function () {
  this.timeout(120_000);

  before(async function () {
    this.timeout(240_000);
    await Promise.all([testEnv(), workflowBundle()]);
  });

  const start = () => sceneInput({ analysisResult: { overallScore: 44, recommendation: 'regenerate', issues: [] } });

  it('an attempt whose only judgment is unusable costs its generation and the tokens paid', async () => {
    const { activities } = fakeActivities({ scores: [50], analysisFailures: { 0: unusable(0.03) } });
    await withWorker(activities, async ({ start: run }) => {
      const handle = await run({ ...start(), policy: { maxAttempts: 1 } });
      const state = await waitForReviewEntry(handle);
      const [attempt] = state.attempts;
      assert.equal(attempt.failure?.type, FailureType.analysisUnusable);
      assert.equal(attempt.costUsd, 0.53);
      await handle.signal(userDecisionSignal, { action: 'reject', reviewer: 'ana' });
      await handle.result();
    });
  });

  it('a judgment near the bar that is unusable adds its tokens to the judgments that decide', async () => {
    // 69 is near the bar (70): judged again, and that second judgment's answers are unusable.
    const { activities } = fakeActivities({ scores: [69], analysisFailures: { 1: unusable(0.03) } });
    await withWorker(activities, async ({ start: run }) => {
      const handle = await run({ ...start(), policy: { maxAttempts: 1 } });
      const state = await waitForReviewEntry(handle);
      const [attempt] = state.attempts;
      assert.equal(attempt.scoreAfter, 69);
      assert.equal(attempt.costUsd, 0.54, 'generation 0.50, one judgment 0.01, the unusable one 0.03');
      await handle.signal(userDecisionSignal, { action: 'reject', reviewer: 'ana' });
      await handle.result();
    });
  });

  it('a comparison that fails after paying for its answers adds them to the last attempt', async () => {
    // Start 44, then 58, 66, 69: 66 and 69 are compared; each near the bar, judged 3 times.
    const { activities, calls } = fakeActivities({ scores: [58, 66, 66, 66, 69, 69, 69], comparisonFailures: { 0: unusable(0.02) } });
    await withWorker(activities, async ({ start: run }) => {
      const handle = await run({ ...start(), policy: { maxAttempts: 3 } });
      const state = await waitForReviewEntry(handle);
      assert.equal(calls.comparisons.length, 1);
      assert.deepEqual(
        state.attempts.map((a) => a.costUsd),
        [0.51, 0.53, 0.55],
        'the third attempt: generation 0.50, three judgments 0.03, the failed comparison 0.02',
      );
      await handle.signal(userDecisionSignal, { action: 'reject', reviewer: 'ana' });
      await handle.result();
    });
  });
});
