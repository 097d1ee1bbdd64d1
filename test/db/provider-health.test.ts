import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Db } from '../../src/db/database';
import { pickProvider, readProviderHealth, recordProviderOutcome } from '../../src/db/provider-health';
import { roundWrites } from './round-writes';
import { listSceneAttempts } from '../../src/db/queries';
import { describeEachDatabase, openTwoPools } from './test-databases';
import { attempt, PROJECT_ID, sceneRequest, SCENE_ID, WORKFLOW_ID } from './fixtures';
import type { ProviderChoiceFigures } from '../../src/domain/regeneration';

const settings = { allowedFails: 3, cooldownMs: 60_000 };

async function failKling(db: Db, times: number, prefix = 'a'): Promise<void> {
  for (let i = 0; i < times; i++) {
    await recordProviderOutcome(db.kysely, { provider: 'kling', outcome: 'failure', attemptKey: `${prefix}/${i}` }, settings);
  }
}

const CHOICE: ProviderChoiceFigures = {
  by: 'expected_value',
  valueOfPassUsd: 3,
  attemptsLeft: 3,
  evidence: 40,
  options: [{ provider: 'runway', passChance: 0.4, drawnPassChance: 0.45, priceUsd: 0.6, valueUsd: 0.9, drawnValueUsd: 1.1 }],
};

describeEachDatabase('provider circuit breakers', (context) => {
  const { db } = context;

  it('a provider nobody reported on is closed; the first candidate is taken', async () => {
    assert.deepEqual(await pickProvider(db().kysely, { candidates: ['kling', 'runway'], attemptKey: 'x' }, settings), {
      provider: 'kling',
      probe: false,
      skipped: [],
    });
  });

  it('three failures in a row open it: the next candidate is taken and the skip says why', async () => {
    await failKling(db(), 2);
    assert.equal((await pickProvider(db().kysely, { candidates: ['kling', 'runway'], attemptKey: 'x' }, settings)).provider, 'kling');
    await failKling(db(), 1, 'b');
    const answer = await pickProvider(db().kysely, { candidates: ['kling', 'runway'], attemptKey: 'x' }, settings);
    assert.equal(answer.provider, 'runway');
    assert.equal(answer.probe, false);
    assert.deepEqual(answer.skipped.map((s) => s.provider), ['kling']);
    assert.match(answer.skipped[0].reason, /circuit breaker open after 3 failures in a row, until \d{4}-/);
    const health = await readProviderHealth(db().kysely);
    assert.equal(health.kling.consecutiveFails, 3);
    assert.ok(health.kling.openedAt !== undefined);
  });

  it('a success in between starts the count again; refusals do not count', async () => {
    await failKling(db(), 2);
    await recordProviderOutcome(db().kysely, { provider: 'kling', outcome: 'neutral', attemptKey: 'refused' }, settings);
    await recordProviderOutcome(db().kysely, { provider: 'kling', outcome: 'success', attemptKey: 'ok' }, settings);
    await failKling(db(), 2, 'b');
    assert.equal((await pickProvider(db().kysely, { candidates: ['kling'], attemptKey: 'x' }, settings)).provider, 'kling');
    assert.equal((await readProviderHealth(db().kysely)).kling.consecutiveFails, 2);
  });

  it('a retried report counts once', async () => {
    await failKling(db(), 1);
    await failKling(db(), 1);
    await failKling(db(), 1);
    assert.equal((await readProviderHealth(db().kysely)).kling.consecutiveFails, 1);
  });

  it('every candidate open: none is taken, each skip is listed', async () => {
    await failKling(db(), 3);
    const answer = await pickProvider(db().kysely, { candidates: ['kling'], attemptKey: 'x' }, settings);
    assert.equal(answer.provider, undefined);
    assert.deepEqual(answer.skipped.map((s) => s.provider), ['kling']);
  });

  it('after the cooldown one probe is let through; its success closes the breaker', async () => {
    const quick = { allowedFails: 3, cooldownMs: 200 };
    for (let i = 0; i < 3; i++) {
      await recordProviderOutcome(db().kysely, { provider: 'kling', outcome: 'failure', attemptKey: `f/${i}` }, quick);
    }
    assert.equal((await pickProvider(db().kysely, { candidates: ['kling', 'luma'], attemptKey: 'p' }, quick)).provider, 'luma');
    await sleep(300);
    const probe = await pickProvider(db().kysely, { candidates: ['kling', 'luma'], attemptKey: 'p' }, quick);
    assert.deepEqual([probe.provider, probe.probe], ['kling', true]);
    // The same attempt asking again (a retried activity) keeps its probe; another does not get one.
    assert.deepEqual((await pickProvider(db().kysely, { candidates: ['kling'], attemptKey: 'p' }, quick)).probe, true);
    const other = await pickProvider(db().kysely, { candidates: ['kling', 'luma'], attemptKey: 'q' }, quick);
    assert.equal(other.provider, 'luma');
    assert.match(other.skipped[0].reason, /another round is probing it/);
    await recordProviderOutcome(db().kysely, { provider: 'kling', outcome: 'success', attemptKey: 'p' }, quick);
    assert.deepEqual((await readProviderHealth(db().kysely)).kling, { consecutiveFails: 0 });
    assert.equal((await pickProvider(db().kysely, { candidates: ['kling'], attemptKey: 'r' }, quick)).provider, 'kling');
  });

  it('a failed probe opens the breaker again for a whole cooldown', async () => {
    const quick = { allowedFails: 3, cooldownMs: 300 };
    for (let i = 0; i < 3; i++) {
      await recordProviderOutcome(db().kysely, { provider: 'kling', outcome: 'failure', attemptKey: `f/${i}` }, quick);
    }
    await sleep(350);
    assert.equal((await pickProvider(db().kysely, { candidates: ['kling'], attemptKey: 'p' }, quick)).probe, true);
    await recordProviderOutcome(db().kysely, { provider: 'kling', outcome: 'failure', attemptKey: 'p' }, quick);
    const answer = await pickProvider(db().kysely, { candidates: ['kling'], attemptKey: 'q' }, quick);
    assert.equal(answer.provider, undefined);
    assert.match(answer.skipped[0].reason, /after 4 failures/);
  });

  it('the activities speak the same rules', async () => {
    const activities = roundWrites(db(), settings);
    for (let i = 0; i < 3; i++) {
      await activities.recordProviderOutcome({ provider: 'hailuo', outcome: 'failure', attemptKey: `w/${i}` });
    }
    const answer = await activities.pickProvider({ candidates: ['hailuo', 'kling'], attemptKey: 'x' });
    assert.equal(answer.provider, 'kling');
  });

  it('an attempt keeps the providers it passed over, its judgments, where it failed and how its provider was chosen; one without has none of them', async () => {
    const activities = roundWrites(db(), settings);
    await activities.saveScene(sceneRequest());
    const skipped = [{ provider: 'kling' as const, reason: 'circuit breaker open after 3 failures in a row' }];
    const base = { workflowId: WORKFLOW_ID, runId: 'run-a', sceneId: SCENE_ID, projectId: PROJECT_ID };
    const judgments = [
      { score: 68, costUsd: 0.011 },
      { score: 72, costUsd: 0.012 },
      { score: 71, costUsd: 0.011 },
    ];
    await activities.recordAttempt({
      ...base,
      attempt: attempt(1, 1, 50, { provider: 'runway', skippedProviders: skipped, judgments, providerChoice: CHOICE }),
    });
    await activities.recordAttempt({ ...base, attempt: attempt(1, 2, 50, { failedStep: 'generate' }) });
    const [first, second] = await listSceneAttempts(db(), SCENE_ID);
    assert.deepEqual(first.skippedProviders, skipped);
    assert.deepEqual(first.judgments, judgments, 'every judgment is kept with its cost');
    assert.deepEqual(first.providerChoice, CHOICE, 'the figures the provider was chosen by');
    assert.ok(!('skippedProviders' in second));
    assert.ok(!('judgments' in second) && !('providerChoice' in second));
    assert.equal(second.failedStep, 'generate');
  });

  it('two workers see one state: failures from both count together, and only one gets the probe', async () => {
    const { pools, close } = await openTwoPools(context);
    try {
      const quick = { allowedFails: 3, cooldownMs: 300 };
      const [one, two] = pools.map((pool) => roundWrites(pool, quick));
      await one.recordProviderOutcome({ provider: 'kling', outcome: 'failure', attemptKey: 'one/1' });
      await two.recordProviderOutcome({ provider: 'kling', outcome: 'failure', attemptKey: 'two/1' });
      await one.recordProviderOutcome({ provider: 'kling', outcome: 'failure', attemptKey: 'one/2' });
      assert.equal((await two.pickProvider({ candidates: ['kling', 'luma'], attemptKey: 'x' })).provider, 'luma');
      await sleep(350);
      const answers = await Promise.all([
        one.pickProvider({ candidates: ['kling', 'luma'], attemptKey: 'probe-one' }),
        two.pickProvider({ candidates: ['kling', 'luma'], attemptKey: 'probe-two' }),
      ]);
      assert.equal(answers.filter((a) => a.probe).length, 1, JSON.stringify(answers));
      assert.deepEqual(answers.map((a) => a.provider).sort(), ['kling', 'luma']);
    } finally {
      await close();
    }
  });
});
