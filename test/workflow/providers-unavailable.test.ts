import assert from 'node:assert/strict';
import { userDecisionSignal } from '../../workflows/messages';
import { fakeActivities } from '../helpers/fake-activities';
import { historyEvents } from '../helpers/history';
import { sceneInput } from '../helpers/scenes';
import { testEnv } from '../helpers/temporal';
import { workflowBundle } from '../helpers/workflow-bundle';
import { waitForStatus, waitUntil, withWorker } from '../helpers/workflow-runner';

/** Every video provider's breaker open since now (a nature clip: kling, runway, luma, hailuo can make it). */
function allCoolingDown(breakers: Map<string, { consecutiveFails: number; openedAt?: number }>): void {
  for (const provider of ['kling', 'runway', 'luma', 'hailuo']) breakers.set(provider, { consecutiveFails: 3, openedAt: Date.now() });
}

describe('every provider that could make the scene is cooling down (SPEC.md "Cost and provider health")', function () {
  this.timeout(120_000);
  before(async function () {
    this.timeout(240_000);
    await Promise.all([testEnv(), workflowBundle()]);
  });

  it('the round waits on a durable timer for the first to come back within the deadline, then tries it as the probe', async () => {
    const { activities, calls } = fakeActivities({ scores: [80], breaker: { allowedFails: 3, cooldownMs: 3_000 } });
    allCoolingDown(calls.breakers);
    await withWorker(activities, async ({ start }) => {
      const handle = await start(sceneInput());
      const result = await handle.result();
      assert.equal(result.outcome, 'passed');
      assert.equal(result.attempts.length, 1);
      const events = await historyEvents(handle);
      const timers = events.filter((e) => e.timerStartedEventAttributes);
      assert.equal(timers.length, 1, 'one wait for the first provider to come back');
      const waitedMs = Number(timers[0].timerStartedEventAttributes!.startToFireTimeout!.seconds ?? 0) * 1000;
      assert.ok(waitedMs <= 3_000, `waited ${waitedMs} ms`);
      assert.ok(calls.providerPicks.some((pick) => pick.answer.probe), 'the attempt after the wait is the probe');
    });
  });

  it('when none comes back within the attempt\'s deadline, the round escalates with providers_unavailable', async () => {
    const { activities, calls } = fakeActivities({ scores: [80], breaker: { allowedFails: 3, cooldownMs: 10 * 60_000 } });
    allCoolingDown(calls.breakers);
    await withWorker(activities, async ({ start }) => {
      // generationTimeout 2s: the attempt would wait at most 2 s for its provider.
      const handle = await start(sceneInput({}, { policy: { generationTimeout: '2s' } }));
      const state = await waitForStatus(handle, 'awaiting_review');
      assert.equal(state.attempts.length, 0);
      await waitUntil(() => calls.escalations.length === 1);
      assert.equal(calls.escalations[0].reason, 'providers_unavailable');
      assert.equal(calls.submissions.length, 0, 'nothing was sent to a provider that is cooling down');
      assert.equal((await historyEvents(handle)).filter((e) => e.timerStartedEventAttributes).length, 0);
      await handle.signal(userDecisionSignal, { action: 'reject', reviewer: 'ana' });
      assert.equal((await handle.result()).outcome, 'rejected');
    });
  });
});
