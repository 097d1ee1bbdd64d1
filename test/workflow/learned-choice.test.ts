import assert from 'node:assert/strict';
import { ApplicationFailure } from '@temporalio/common';
import type { RegenerateSceneInput } from '../../src/domain/inputs';
import type { ProviderName } from '../../src/domain/provider';
import { userDecisionSignal } from '../../workflows/messages';
import { evidenceOf, judgedAttempts, type EvidenceAttempt } from '../helpers/attempt-evidence';
import { fakeActivities, type FakeScript } from '../helpers/fake-activities';
import { sceneInput } from '../helpers/scenes';
import { testEnv } from '../helpers/temporal';
import { workflowBundle } from '../helpers/workflow-bundle';
import { waitForStatus, withWorker } from '../helpers/workflow-runner';

/** Nature video evidence: `judged` judged attempts of the provider whose scores average `mean`. */
function nature(provider: ProviderName, judged: number, mean: number): EvidenceAttempt[] {
  return judgedAttempts(provider, 'nature', judged, mean);
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
    choices: attempts.state.attempts.map((a) => a.providerChoice?.by),
    calls: fake.calls,
  };
}

describe('regenerateSceneWorkflow: learned provider choice', function () {
  this.timeout(120_000);

  before(async function () {
    this.timeout(240_000);
    await Promise.all([testEnv(), workflowBundle()]);
  });

  it('with enough evidence each attempt weighs expected values: the provider the evidence favours first, then others, never one twice in a row', async () => {
    const evidence = evidenceOf([...nature('kling', 30, 68), ...nature('runway', 30, 68), ...nature('hailuo', 30, 68), ...nature('luma', 30, 82)]);
    const round = await roundProviders({ evidence });
    assert.equal(round.providers[0], 'luma', 'no person named a provider: attempt 1 takes the best expected value too');
    assert.notEqual(round.providers[1], 'luma', 'attempts 2 and 3 do not repeat the provider before them');
    assert.notEqual(round.providers[2], round.providers[1]);
    assert.deepEqual(round.choices, ['expected_value', 'expected_value', 'expected_value']);
    // Read when each attempt starts (attempt 1 in openRound, the others in the step that records
    // the one before), for the round's kind; the choice made is the step's result, kept in history.
    assert.deepEqual(round.calls.evidenceReads, [{ kind: 'video' }, { kind: 'video' }, { kind: 'video' }]);
    const [first] = round.calls.recordedAttempts.map((r) => r.attempt);
    const luma = first.providerChoice!.options.find((o) => o.provider === 'luma')!;
    assert.ok(luma.passChance > 0.9 && luma.priceUsd > 0, 'the figures are recorded with the attempt');
  });

  it('evidence below minEvidence leaves the static map; a lower minEvidence lets it count', async () => {
    const evidence = evidenceOf(nature('luma', 19, 90));
    const below = await roundProviders({ evidence });
    assert.deepEqual(below.providers, ['kling', 'runway', 'hailuo']);
    assert.deepEqual(below.choices, [undefined, undefined, undefined]);
    const lowered = await roundProviders({ evidence }, sceneInput({}, { policy: { minEvidence: 10 } }));
    assert.equal(lowered.providers[0], 'luma');
  });

  it('policy.learnedProviderChoice false restores the static rules exactly: no evidence is read', async () => {
    const evidence = evidenceOf(nature('luma', 40, 95));
    const off = await roundProviders({ evidence }, sceneInput({}, { policy: { learnedProviderChoice: false } }));
    assert.deepEqual(off.providers, ['kling', 'runway', 'hailuo']);
    assert.deepEqual(off.choices, [undefined, undefined, undefined]);
    assert.equal(off.calls.evidenceReads.length, 0);
  });

  it('evidence the database refuses to read leaves the static map; the round goes on', async () => {
    const evidence = evidenceOf(nature('luma', 40, 95));
    const refused = () => ApplicationFailure.nonRetryable('Database refused the read', 'bad_request');
    const round = await roundProviders({ evidence, evidenceFailure: refused });
    assert.deepEqual(round.providers, ['kling', 'runway', 'hailuo']);
    assert.equal(round.calls.evidenceReads.length, 3);
  });

  it('the circuit breaker still applies after the learned choice', async () => {
    const evidence = evidenceOf([...nature('kling', 30, 60), ...nature('runway', 30, 60), ...nature('hailuo', 30, 60), ...nature('luma', 30, 82)]);
    const { activities, calls } = fakeActivities({ scores: [45], evidence });
    // luma's breaker opened just now: the learned luma is passed over for the next in the order.
    calls.breakers.set('luma', { consecutiveFails: 3, openedAt: Date.now() });
    await withWorker(activities, async ({ start }) => {
      const handle = await start(sceneInput());
      const state = await waitForStatus(handle, 'awaiting_review');
      assert.equal(state.attempts[0].provider, 'hailuo');
      assert.equal(state.attempts[0].skippedProviders?.[0].provider, 'luma');
      assert.equal(state.attempts[0].providerChoice, undefined, 'the breaker chose, not the learned choice');
      assert.deepEqual(calls.providerPicks[0].request.candidates, ['luma', 'hailuo', 'kling', 'runway']);
      await handle.signal(userDecisionSignal, { action: 'reject', reviewer: 'ana' });
      await handle.result();
    });
  });

  it('a reviewer’s regenerate starts a round that reads the evidence again and avoids the named provider on attempt 2', async () => {
    const evidence = evidenceOf([...nature('kling', 30, 75), ...nature('luma', 30, 82), ...nature('runway', 30, 60), ...nature('hailuo', 30, 60)]);
    const { activities, calls } = fakeActivities({ scores: [45], evidence });
    await withWorker(activities, async ({ start }) => {
      const handle = await start(sceneInput());
      await waitForStatus(handle, 'awaiting_review');
      await handle.signal(userDecisionSignal, { action: 'regenerate', provider: 'luma', reviewer: 'ana' });
      const state = await waitForStatus(handle, 'awaiting_review', 20_000, (s) => s.round === 2);
      const second = state.attempts.filter((a) => a.round === 2).map((a) => a.provider);
      assert.deepEqual(second.slice(0, 2), ['luma', 'kling']);
      assert.equal(calls.evidenceReads.length, 6, 'every attempt of each round');
      await handle.signal(userDecisionSignal, { action: 'reject', reviewer: 'ana' });
      await handle.result();
    });
  });

  it('a manual round keeps the person’s provider for attempt 1', async () => {
    const evidence = evidenceOf([...nature('kling', 30, 68), ...nature('runway', 30, 68), ...nature('hailuo', 30, 68), ...nature('luma', 30, 82)]);
    const round = await roundProviders({ evidence }, sceneInput({}, { trigger: 'manual', provider: 'runway' }));
    assert.equal(round.providers[0], 'runway');
    assert.deepEqual(round.choices[0], 'expected_value', 'still weighed: was it worth its price');
  });

  it('no remaining attempt worth its price: the round escalates at once, not_worth_trying, with the figures', async () => {
    const evidence = evidenceOf(['kling', 'runway', 'luma', 'hailuo'].flatMap((p) => nature(p as ProviderName, 30, 35)));
    const fake = fakeActivities({ scores: [45], evidence });
    await withWorker(fake.activities, async ({ start }) => {
      const handle = await start(sceneInput());
      const state = await waitForStatus(handle, 'awaiting_review');
      assert.deepEqual(state.attempts, [], 'no attempt was made');
      assert.equal(fake.calls.submissions.length, 0);
      const [escalation] = fake.calls.escalations;
      assert.equal(escalation.reason, 'not_worth_trying');
      assert.match(escalation.message ?? '', /^no attempt left is worth its price \(a pass saves a \$3\.00 review; 3 attempts left; learned from 120 judged attempts\): kling 0 % to pass at \$0\.\d\d, worth −\$0\.\d\d; runway .*; luma .*; hailuo 0 % to pass at \$0\.\d\d, worth −\$0\.\d\d$/);
      assert.equal(fake.calls.budgetReservations.length, 0, 'nothing was held for an attempt never made');
      await handle.signal(userDecisionSignal, { action: 'reject', reviewer: 'ana' });
      await handle.result();
    });
  });
});
