import assert from 'node:assert/strict';
import type { WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../../src/domain/failures';
import type { RegenerationAttempt } from '../../src/domain/regeneration';
import { BestScoreKey } from '../../src/domain/search-attributes';
import { userDecisionSignal } from '../../workflows/messages';
import { fakeActivities, keptAsset, type FakeScript } from '../helpers/fake-activities';
import { activitySummaries, historyEvents } from '../helpers/history';
import { sceneInput } from '../helpers/scenes';
import { testEnv } from '../helpers/temporal';
import { workflowBundle } from '../helpers/workflow-bundle';
import { waitForReviewEntry, waitUntil, withWorker } from '../helpers/workflow-runner';

/**
 * SPEC.md "Judging and choosing": the best of a round is the highest judged score, the starting
 * asset included; within the uncertainty band a pairwise judgment in both orders decides. The
 * best is what a plain approve takes, what the escalation and BestScore report.
 */
describe('the best of a round: highest score, pairwise within the band', function () {
  this.timeout(120_000);

  before(async function () {
    this.timeout(240_000);
    await Promise.all([testEnv(), workflowBundle()]);
  });

  // Start 44, then 58, 66, 69: 66 and 69 are near the bar (70), judged 3 times each.
  const SCORES = [58, 66, 66, 66, 69, 69, 69];
  const start = () => sceneInput({ analysisResult: { overallScore: 44, recommendation: 'regenerate', issues: [] } });

  async function bestScoreOf(handle: WorkflowHandle): Promise<number | undefined> {
    return (await handle.describe()).typedSearchAttributes.get(BestScoreKey);
  }

  it('44 → 58 → 66 → 69: 66 and 69 are compared; preferred in both orders, 66 is the best and a plain approve takes it', async () => {
    const script: FakeScript = {
      scores: SCORES,
      comparisonCostUsd: 0.02,
      // The first request shows 69 first; the second shows 66 first: 66 is preferred in both.
      preferences: () => ['second', 'first'],
    };
    const { activities, calls } = fakeActivities(script);
    await withWorker(activities, async ({ start: run }) => {
      const handle = await run(start());
      const state = await waitForReviewEntry(handle);
      const byNumber = (n: number) => state.attempts.find((a) => a.attemptNumber === n)!;
      assert.deepEqual(
        state.attempts.map((a) => [a.scoreAfter, a.result]),
        [
          [58, 'improved'],
          [66, 'failed'],
          [69, 'improved'],
        ],
      );
      assert.equal(calls.comparisons.length, 1, 'only 66 and 69 are within the band');
      const [comparison] = calls.comparisons;
      assert.equal(comparison.first.url, byNumber(3).asset?.url, 'the higher score is shown first in the first order');
      assert.equal(comparison.second.url, byNumber(2).asset?.url);
      assert.equal(comparison.scene.visualDirection, 'A misty valley at sunrise');
      const bestPick = { attemptNumber: 2, score: 66, reason: 'pairwise', runnerUp: { attemptNumber: 3, score: 69 } };
      assert.deepEqual(state.bestPick, bestPick);
      assert.equal(state.bestAttemptNumber, 2);
      assert.equal(state.currentScore, 69, 'current (what prompts are built from) keeps its rule');
      assert.equal(byNumber(3).costUsd, 0.55, 'generation 0.50, three judgments 0.03, the comparison 0.02');
      const [escalation] = calls.escalations;
      assert.equal(escalation.bestScore, 66);
      assert.equal(escalation.bestAttemptNumber, 2);
      assert.deepEqual(escalation.bestPick, bestPick);
      assert.equal(await bestScoreOf(handle), 66);
      const summaries = activitySummaries(await historyEvents(handle)).filter((s) => s.startsWith('compareAssets'));
      assert.deepEqual(summaries, ['compareAssets: attempt 3 · hailuo · compare']);

      await handle.signal(userDecisionSignal, { action: 'approve', reviewer: 'ana' });
      const result = await handle.result();
      assert.equal(result.outcome, 'approved');
      assert.equal(result.finalScore, 66);
      assert.equal(result.newAssetUrl, byNumber(2).assetUrl);
      assert.equal(keptAsset(calls.outcomes.at(-1))?.url, byNumber(2).assetUrl);
      assert.equal(await bestScoreOf(handle), 66);
    });
  });

  it('the two orders disagree: the higher score (69) stands, as pairwise_split', async () => {
    const { activities, calls } = fakeActivities({ scores: SCORES, preferences: () => ['first', 'first'] });
    await withWorker(activities, async ({ start: run }) => {
      const handle = await run(start());
      const state = await waitForReviewEntry(handle);
      const expected = { attemptNumber: 3, score: 69, reason: 'pairwise_split', runnerUp: { attemptNumber: 2, score: 66 } };
      assert.deepEqual(state.bestPick, expected);
      assert.deepEqual(calls.escalations[0].bestPick, expected);
      assert.equal(await bestScoreOf(handle), 69);
      await handle.signal(userDecisionSignal, { action: 'approve', reviewer: 'ana' });
      assert.equal((await handle.result()).finalScore, 69);
    });
  });

  it('a review timeout with approve_best takes the same best', async () => {
    const { activities } = fakeActivities({ scores: SCORES, preferences: () => ['second', 'first'] });
    await withWorker(activities, async ({ start: run }) => {
      const input = start();
      const handle = await run({ ...input, policy: { reviewTimeout: '2 seconds', onReviewTimeout: 'approve_best' } });
      const result = await handle.result();
      assert.equal(result.outcome, 'approved');
      assert.equal(result.review?.decision.reviewer, 'review-timeout');
      assert.equal(result.finalScore, 66);
      assert.equal(result.newAssetUrl, result.attempts.find((a: RegenerationAttempt) => a.attemptNumber === 2)?.assetUrl);
    });
  });

  it('61 next to a starting 55: more than the band apart, the highest score without a comparison', async () => {
    const { activities, calls } = fakeActivities({ scores: [61] });
    await withWorker(activities, async ({ start: run }) => {
      const input = sceneInput({ analysisResult: { overallScore: 55, recommendation: 'regenerate', issues: [] } });
      const handle = await run({ ...input, policy: { maxAttempts: 1 } });
      const state = await waitForReviewEntry(handle);
      assert.deepEqual(state.bestPick, { attemptNumber: 1, score: 61, reason: 'highest_score', runnerUp: { score: 55 } });
      assert.equal(calls.comparisons.length, 0);
      assert.equal(calls.escalations[0].bestScore, 61);
      await handle.signal(userDecisionSignal, { action: 'approve', reviewer: 'ana' });
      assert.equal((await handle.result()).finalScore, 61);
    });
  });

  it('60 next to a starting 55 that has no stored copy: nothing to compare, the higher score stands', async () => {
    const { activities, calls } = fakeActivities({ scores: [60] });
    await withWorker(activities, async ({ start: run }) => {
      const input = sceneInput({ analysisResult: { overallScore: 55, recommendation: 'regenerate', issues: [] } });
      const handle = await run({ ...input, policy: { maxAttempts: 1 } });
      const state = await waitForReviewEntry(handle);
      assert.deepEqual(state.bestPick, { attemptNumber: 1, score: 60, reason: 'highest_score', runnerUp: { score: 55 } });
      assert.equal(calls.comparisons.length, 0);
      await handle.signal(userDecisionSignal, { action: 'reject', reviewer: 'ana' });
      await handle.result();
    });
  });

  it('60 next to a stored starting 58: compared, the starting asset preferred in both orders is the best', async () => {
    const startRef = {
      url: 'http://assets.test/assets/original.png',
      key: 'original.png',
      sha256: 'original',
      sizeBytes: 100,
      mediaType: 'image/png',
    };
    const { activities, calls } = fakeActivities({ scores: [60], preferences: () => ['second', 'first'] });
    await withWorker(activities, async ({ start: run }) => {
      const input = sceneInput({
        currentAssetUrl: startRef.url,
        currentAsset: startRef,
        analysisResult: { overallScore: 58, recommendation: 'regenerate', issues: [] },
      });
      const handle = await run({ ...input, policy: { maxAttempts: 1 } });
      const state = await waitForReviewEntry(handle);
      assert.equal(calls.comparisons.length, 1);
      assert.equal(calls.comparisons[0].second.key, 'original.png', 'the starting asset, ranked second, shown second first');
      assert.deepEqual(state.bestPick, { score: 58, reason: 'pairwise', runnerUp: { attemptNumber: 1, score: 60 } });
      assert.equal(calls.escalations[0].bestScore, 58);
      assert.equal(calls.escalations[0].bestAttemptNumber, undefined);
      await handle.signal(userDecisionSignal, { action: 'approve', reviewer: 'ana' });
      const result = await handle.result();
      assert.equal(result.finalScore, 58);
      assert.equal(result.newAssetUrl, startRef.url);
      assert.equal(keptAsset(calls.outcomes.at(-1))?.ref?.key, 'original.png');
    });
  });

  it('the starting asset stays the best when every attempt scores lower; a plain approve keeps it', async () => {
    const { activities, calls } = fakeActivities({ scores: [30, 20, 25] });
    await withWorker(activities, async ({ start: run }) => {
      const handle = await run(sceneInput({ analysisResult: { overallScore: 50, recommendation: 'regenerate', issues: [] } }));
      const state = await waitForReviewEntry(handle);
      assert.deepEqual(state.bestPick, { score: 50, reason: 'highest_score', runnerUp: { attemptNumber: 1, score: 30 } });
      assert.equal(state.bestAttemptNumber, undefined);
      assert.equal(calls.escalations[0].bestAttemptNumber, undefined);
      assert.equal(await bestScoreOf(handle), 50);
      await handle.signal(userDecisionSignal, { action: 'approve', reviewer: 'ana' });
      const result = await handle.result();
      assert.equal(result.finalScore, 50);
      assert.equal(result.newAssetUrl, 'http://assets.test/assets/original.mp4');
    });
  });

  it('cancelled while comparing: the attempt is recorded with its cost and the round ends cancelled', async () => {
    const { activities, calls } = fakeActivities({ scores: SCORES, comparisonDelayMs: 5_000 });
    await withWorker(activities, async ({ start: run }) => {
      const handle = await run(start());
      await waitUntil(() => calls.comparisons.length === 1, 60_000);
      await handle.cancel();
      const result = await handle.result();
      assert.equal(result.outcome, 'cancelled');
      await waitUntil(() => calls.restoredScenes.length === 1);
      assert.deepEqual(
        calls.recordedAttempts.map((r) => [r.attempt.attemptNumber, r.attempt.scoreAfter, r.attempt.costUsd]),
        [
          [1, 58, 0.51],
          [2, 66, 0.53],
          [3, 69, 0.53],
        ],
      );
      assert.equal(result.attempts.length, 3, 'the compared attempt is kept once');
    });
  });

  it('a comparison that fails leaves the higher score standing and the round going on', async () => {
    const { activities, calls } = fakeActivities({
      scores: SCORES,
      comparisonFailures: { 0: () => ApplicationFailure.nonRetryable('the comparison was unusable', FailureType.analysisUnusable) },
    });
    await withWorker(activities, async ({ start: run }) => {
      const handle = await run({ ...start(), policy: { maxAttempts: 3 } });
      const state = await waitForReviewEntry(handle);
      assert.equal(calls.comparisons.length, 1);
      assert.deepEqual(state.bestPick, { attemptNumber: 3, score: 69, reason: 'highest_score', runnerUp: { attemptNumber: 2, score: 66 } });
      await handle.signal(userDecisionSignal, { action: 'reject', reviewer: 'ana' });
      await handle.result();
    });
  });
});
