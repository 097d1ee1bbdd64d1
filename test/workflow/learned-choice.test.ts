import assert from 'node:assert/strict';
import { ApplicationFailure } from '@temporalio/common';
import type { RegenerateSceneInput } from '../../src/domain/inputs';
import type { ProviderName } from '../../src/domain/provider';
import type { ProviderEvidence } from '../../src/domain/provider-evidence';
import { userDecisionSignal } from '../../workflows/messages';
import { fakeActivities, type FakeScript } from '../helpers/fake-activities';
import { sceneInput } from '../helpers/scenes';
import { testEnv } from '../helpers/temporal';
import { workflowBundle } from '../helpers/workflow-bundle';
import { waitForStatus, withWorker } from '../helpers/workflow-runner';

/** Nature video evidence: `judged` judged attempts, `passed` passes, `usd` per attempt. */
function nature(provider: ProviderName, judged: number, passed: number, usd: number): ProviderEvidence {
  return {
    provider,
    contentType: 'nature',
    kind: 'video',
    judgedAttempts: judged,
    passedAttempts: passed,
    meanGain: 8,
    totalCostUsd: judged * usd,
    attempts: judged,
  };
}

/**
 * A nature video scene made by Kling (tests/helpers/scenes.ts) whose three attempts all fail,
 * rejected once escalated: the providers its attempts used, and the fake's calls. The static map
 * gives kling, runway (the first other), hailuo (nature).
 */
async function roundProviders(script: Partial<FakeScript>, input: RegenerateSceneInput = sceneInput()) {
  const fake = fakeActivities({ scores: [45], ...script });
  const attempts = await withWorker(fake.activities, async ({ start }) => {
    const handle = await start(input);
    const state = await waitForStatus(handle, 'awaiting_review');
    await handle.signal(userDecisionSignal, { action: 'reject', reviewer: 'ana' });
    await handle.result();
    return { state };
  });
  return {
    providers: attempts.state.attempts.map((a) => a.provider),
    choices: attempts.state.attempts.map((a) => a.providerChoice),
    calls: fake.calls,
  };
}

describe('regenerateSceneWorkflow: learned provider choice', function () {
  this.timeout(120_000);

  before(async function () {
    this.timeout(240_000);
    await Promise.all([testEnv(), workflowBundle()]);
  });

  it('with enough evidence attempt 3 takes the best pass per dollar and attempt 2 the best other than the current provider', async () => {
    // kling 1.25 passes per dollar, luma 1.0, runway 0.25.
    const evidence = [nature('kling', 40, 20, 0.4), nature('luma', 30, 15, 0.5), nature('runway', 25, 5, 0.8)];
    const round = await roundProviders({ evidence });
    assert.deepEqual(round.providers, ['kling', 'luma', 'kling']);
    assert.deepEqual(round.choices, [undefined, 'learned', 'learned']);
    // Read when attempts 2 and 3 start (inside the step that records the one before), for the
    // round's own content type and kind; the choice made is the step's result, kept in history.
    assert.deepEqual(round.calls.evidenceReads, [
      { contentType: 'nature', kind: 'video' },
      { contentType: 'nature', kind: 'video' },
    ]);
  });

  it('evidence below minEvidence leaves the static map; a lower minEvidence lets it count', async () => {
    const evidence = [nature('luma', 19, 19, 0.1)];
    const below = await roundProviders({ evidence });
    assert.deepEqual(below.providers, ['kling', 'runway', 'hailuo']);
    assert.deepEqual(below.choices, [undefined, undefined, undefined]);
    const lowered = await roundProviders({ evidence }, sceneInput({}, { policy: { minEvidence: 10 } }));
    assert.deepEqual(lowered.providers, ['kling', 'luma', 'luma']);
  });

  it('policy.learnedProviderChoice false restores the static rules exactly: no evidence is read', async () => {
    const evidence = [nature('luma', 40, 40, 0.1)];
    const off = await roundProviders({ evidence }, sceneInput({}, { policy: { learnedProviderChoice: false } }));
    assert.deepEqual(off.providers, ['kling', 'runway', 'hailuo']);
    assert.equal(off.calls.evidenceReads.length, 0);
  });

  it('evidence the database refuses to read leaves the static map; the round goes on', async () => {
    const evidence = [nature('luma', 40, 40, 0.1)];
    const refused = () => ApplicationFailure.nonRetryable('Database refused the read', 'bad_request');
    const round = await roundProviders({ evidence, evidenceFailure: refused });
    assert.deepEqual(round.providers, ['kling', 'runway', 'hailuo']);
    assert.equal(round.calls.evidenceReads.length, 2);
  });

  it('the circuit breaker still applies after the learned choice', async () => {
    const evidence = [nature('luma', 40, 30, 0.2), nature('runway', 40, 5, 1)];
    const { activities, calls } = fakeActivities({ scores: [45], evidence });
    // luma's breaker opened just now: the learned luma is passed over for the next in the order.
    calls.breakers.set('luma', { consecutiveFails: 3, openedAt: Date.now() });
    await withWorker(activities, async ({ start }) => {
      const handle = await start(sceneInput());
      const state = await waitForStatus(handle, 'awaiting_review');
      assert.deepEqual(state.attempts.map((a) => a.provider), ['kling', 'hailuo', 'hailuo']);
      assert.equal(state.attempts[1].skippedProviders?.[0].provider, 'luma');
      assert.deepEqual(calls.providerPicks[1].request.candidates, ['luma', 'hailuo', 'kling', 'runway']);
      await handle.signal(userDecisionSignal, { action: 'reject', reviewer: 'ana' });
      await handle.result();
    });
  });

  it('a reviewer’s regenerate starts a round that reads the evidence again and avoids the named provider on attempt 2', async () => {
    const evidence = [nature('kling', 40, 20, 0.4), nature('luma', 30, 15, 0.5)];
    const { activities, calls } = fakeActivities({ scores: [45], evidence });
    await withWorker(activities, async ({ start }) => {
      const handle = await start(sceneInput());
      await waitForStatus(handle, 'awaiting_review');
      await handle.signal(userDecisionSignal, { action: 'regenerate', provider: 'luma', reviewer: 'ana' });
      const state = await waitForStatus(handle, 'awaiting_review', 20_000, (s) => s.round === 2);
      const second = state.attempts.filter((a) => a.round === 2).map((a) => a.provider);
      assert.deepEqual(second, ['luma', 'kling', 'kling']);
      assert.equal(calls.evidenceReads.length, 4, 'attempts 2 and 3 of each round');
      await handle.signal(userDecisionSignal, { action: 'reject', reviewer: 'ana' });
      await handle.result();
    });
  });
});
