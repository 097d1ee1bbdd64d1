import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RegenerateSceneInput } from '../../src/domain/inputs';
import { userDecisionSignal } from '../../workflows/messages';
import { fakeActivities, unavailableAfterRetries } from '../helpers/fake-activities';
import { historyEvents, scheduledCount } from '../helpers/history';
import { sceneInput } from '../helpers/scenes';
import { testEnv } from '../helpers/temporal';
import { workflowBundle } from '../helpers/workflow-bundle';
import { waitForStatus, withWorker, type RunContext } from '../helpers/workflow-runner';

/** A round whose every attempt goes to Kling: the fallback order has no other video provider. */
const klingOnly = (): RegenerateSceneInput =>
  sceneInput({}, { policy: { providerFallbackOrder: { video: ['kling'], image: ['falai', 'flux'] } } });

/** Runs a round to the review queue, rejects it, and gives back its attempts. */
async function roundToReview(ctx: RunContext, input: RegenerateSceneInput) {
  const handle = await ctx.start(input);
  const state = await waitForStatus(handle, 'awaiting_review');
  await handle.signal(userDecisionSignal, { action: 'reject', reviewer: 'ana' });
  await handle.result();
  return state.attempts;
}

const downThrice = { 0: unavailableAfterRetries, 1: unavailableAfterRetries, 2: unavailableAfterRetries };

describe('provider health and capabilities on a real Temporal server', function () {
  this.timeout(120_000);

  before(async function () {
    this.timeout(240_000);
    await Promise.all([testEnv(), workflowBundle()]);
  });

  it('three unavailable failures at a provider open its breaker: the next round passes it over and records why', async () => {
    const { activities, calls } = fakeActivities({ scores: [45], submitFailures: downThrice });
    await withWorker(activities, async (ctx) => {
      const first = await roundToReview(ctx, klingOnly());
      assert.deepEqual(first.map((a) => [a.provider, a.failure?.type, a.failedStep]), [
        ['kling', 'unavailable', 'generate'],
        ['kling', 'unavailable', 'generate'],
        ['kling', 'unavailable', 'generate'],
      ]);
      assert.deepEqual(calls.providerOutcomes.map((o) => [o.provider, o.outcome]), [
        ['kling', 'failure'],
        ['kling', 'failure'],
        ['kling', 'failure'],
      ]);
      assert.ok(calls.breakers.get('kling')?.openedAt !== undefined);

      // Another scene whose attempt 1 would go to Kling (its current provider).
      const next = await roundToReview(ctx, sceneInput());
      assert.equal(next[0].provider, 'runway');
      assert.equal(calls.submissions[3].provider, 'runway');
      assert.equal(next[0].skippedProviders?.length, 1);
      assert.equal(next[0].skippedProviders?.[0].provider, 'kling');
      assert.match(next[0].skippedProviders?.[0].reason ?? '', /circuit breaker open/);
      // Attempts 2 and 3 never wanted Kling.
      assert.deepEqual(next.map((a) => a.provider), ['runway', 'runway', 'hailuo']);
      assert.equal(next[1].skippedProviders, undefined);
      assert.ok(!calls.submissions.slice(3).some((s) => s.provider === 'kling'));
    });
  });

  it('after the cooldown one probe decides: a failed probe opens it again, a good one closes it', async () => {
    const { activities, calls } = fakeActivities({
      scores: [45],
      submitFailures: { ...downThrice, 3: unavailableAfterRetries },
      // Long enough that the round after a failed probe starts within it on a loaded machine.
      breaker: { allowedFails: 3, cooldownMs: 5_000 },
    });
    await withWorker(activities, async (ctx) => {
      await roundToReview(ctx, klingOnly());
      await sleep(5_100);
      // The probe (submission 3) fails: the breaker opens again at once.
      const failedProbe = await roundToReview(ctx, sceneInput());
      assert.equal(failedProbe[0].provider, 'kling');
      assert.equal(failedProbe[0].failure?.type, 'unavailable');
      const probePick = calls.providerPicks.find((p) => p.answer.probe);
      assert.equal(probePick?.answer.provider, 'kling');
      const reopened = await roundToReview(ctx, sceneInput());
      assert.equal(reopened[0].provider, 'runway');
      assert.equal(reopened[0].skippedProviders?.[0].provider, 'kling');

      await sleep(5_100);
      const goodProbe = await roundToReview(ctx, sceneInput());
      assert.equal(goodProbe[0].provider, 'kling');
      assert.equal(goodProbe[0].skippedProviders, undefined);
      assert.equal(goodProbe[0].failure, undefined);
      assert.equal(calls.providerPicks.filter((p) => p.answer.probe).length, 2);
      assert.deepEqual(calls.breakers.get('kling'), { consecutiveFails: 0 });
    });
  });

  it('a provider that cannot make the scene is never chosen: a square clip passes over Runway and Hailuo', async () => {
    const { activities, calls } = fakeActivities({ scores: [45] });
    await withWorker(activities, async (ctx) => {
      const attempts = await roundToReview(ctx, sceneInput({ aspectRatio: '1:1', contentType: 'nature' }));
      // Static choice: kling, runway, hailuo. Runway makes 16:9 and 9:16 only, Hailuo 16:9 only.
      assert.deepEqual(attempts.map((a) => a.provider), ['kling', 'luma', 'kling']);
      assert.deepEqual(calls.submissions.map((s) => s.provider), ['kling', 'luma', 'kling']);
      assert.equal(attempts[0].skippedProviders, undefined);
      assert.deepEqual(attempts[1].skippedProviders?.map((s) => s.provider), ['runway']);
      assert.match(attempts[1].skippedProviders?.[0].reason ?? '', /runway makes video in 1280:720, 720:1280 only, and this scene is 1:1/);
      assert.deepEqual(attempts[2].skippedProviders?.map((s) => s.provider), ['hailuo']);
    });
  });

  it('a reviewer’s regenerate naming a provider that cannot make the scene is ignored; the round keeps waiting', async () => {
    const { activities, calls } = fakeActivities({ scores: [45] });
    await withWorker(activities, async (ctx) => {
      const handle = await ctx.start(sceneInput());
      await waitForStatus(handle, 'awaiting_review');
      await handle.signal(userDecisionSignal, { action: 'regenerate', provider: 'flux', reviewer: 'ana' });
      // Give the workflow time to take (and ignore) that signal before looking.
      await sleep(1_000);
      const still = await waitForStatus(handle, 'awaiting_review');
      assert.equal(still.decision, undefined);
      assert.equal(still.round, 1);
      assert.equal(calls.submissions.length, 3);
      assert.equal(calls.closedEntries.length, 0);

      await handle.signal(userDecisionSignal, { action: 'regenerate', provider: 'luma', reviewer: 'ana' });
      await waitForStatus(handle, 'awaiting_review', 20_000, (state) => state.round === 2);
      await handle.signal(userDecisionSignal, { action: 'reject', reviewer: 'ana' });
      const result = await handle.result();
      assert.equal(result.outcome, 'rejected');
      assert.equal(calls.submissions[3].provider, 'luma');
      assert.ok(calls.submissions.every((s) => s.kind === 'video'));
      // One look at the breakers per attempt, one report per attempt, each inside the round's steps.
      assert.equal(calls.providerPicks.length, 6);
      assert.equal(calls.providerOutcomes.length, 6);
      const events = await historyEvents(handle);
      assert.equal(scheduledCount(events, 'openRound'), 2, 'one per round');
      assert.equal(scheduledCount(events, 'recordAttempt'), 4, 'attempts 1 and 2 of each round, each starting the next');
    });
  });
});
