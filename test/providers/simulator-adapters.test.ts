import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { createGenerationActivities, TIMEOUT } from '../../activities/generation';
import { createOutputStorer } from '../../activities/store-output';
import { loadConfig, parseProviderConcurrency } from '../../src/config';
import type { Db } from '../../src/db/database';
import { GENERATION_NOT_READY, type GenerateRequest } from '../../src/domain/generation';
import type { SceneKind } from '../../src/domain/scene';
import type { ProviderName } from '../../src/domain/provider';
import type { ProviderClient, ProviderPollResult } from '../../src/providers/provider-client';
import { createDatabaseConcurrencyGate } from '../../src/providers/concurrency-gate';
import { createProviderClients } from '../../src/providers/registry';
import { createDatabaseSubmissionLedger } from '../../src/providers/submission-ledger';
import { startSimulator } from '../../src/sim/server';
import { LocalAssetStore } from '../../src/storage/local-asset-store';
import { emptyTables, testDatabase } from '../db/test-databases';
import { executeOnce, quietEnvironment, runGeneration } from '../helpers/run-generation';

/**
 * Every adapter against the simulator through its real client: our fetch for PiAPI, the
 * official Runway SDK, the official fal client. Only the base URL differs from production.
 */

type Simulator = Awaited<ReturnType<typeof startSimulator>>;

interface Case {
  provider: ProviderName;
  kind: SceneKind;
  mediaType: RegExp;
}

const CASES: Case[] = [
  { provider: 'kling', kind: 'video', mediaType: /^video\/mp4/ },
  { provider: 'luma', kind: 'video', mediaType: /^video\/mp4/ },
  { provider: 'hailuo', kind: 'video', mediaType: /^video\/mp4/ },
  { provider: 'runway', kind: 'video', mediaType: /^video\/mp4/ },
  { provider: 'runway', kind: 'image', mediaType: /^image\/png/ },
  { provider: 'flux', kind: 'image', mediaType: /^image\/png/ },
  { provider: 'falai', kind: 'image', mediaType: /^image\/png/ },
];

// Only the timeout cases use the impatient clients: a loaded machine may take longer than this
// to render a clip, and the other cases must not fail for that.
const IMPATIENT_TIMEOUT_MS = 300;
const TIMEOUT_FAULT_MS = 2_000;

function request(kind: SceneKind, prompt: string) {
  return { prompt, kind, durationSeconds: kind === 'video' ? 2 : 0, aspectRatio: '16:9' };
}

async function pollUntilSettled(client: ProviderClient, taskId: string): Promise<ProviderPollResult> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const result = await client.poll(taskId);
    if (result.state !== 'pending') return result;
    if (Date.now() > deadline) assert.fail(`task ${taskId} still pending after 20 s`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function expectFailure(promise: Promise<unknown>, type: string): Promise<ApplicationFailure> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ApplicationFailure, `expected an ApplicationFailure, got ${String(error)}`);
    assert.equal(error.type, type, error.message);
    return error;
  }
  assert.fail(`expected a ${type} failure`);
}

describe('provider adapters against the simulator', function () {
  this.timeout(30_000);
  let sim: Simulator;
  let providers: Record<ProviderName, ProviderClient>;
  let impatientProviders: Record<ProviderName, ProviderClient>;

  before(async () => {
    sim = await startSimulator({ port: 0, latencyMs: 40, timeoutFaultMs: TIMEOUT_FAULT_MS });
    providers = createProviderClients(loadConfig({ SIM_URL: sim.url }), { requestTimeoutMs: 15_000 });
    impatientProviders = createProviderClients(loadConfig({ SIM_URL: sim.url }), { requestTimeoutMs: IMPATIENT_TIMEOUT_MS });
  });
  after(async () => {
    await sim?.stop();
  });
  beforeEach(async () => {
    sim.reset();
  });

  for (const { provider, kind, mediaType } of CASES) {
    describe(`${provider} (${kind})`, () => {
      const client = () => providers[provider];
      const prompt = (what: string) => `${what} ${provider} ${kind} lighthouse at dusk`;

      it('generates to an output URL that downloads', async () => {
        const { taskId } = await client().submit(request(kind, prompt('success')));
        assert.ok(taskId.length > 0);
        const result = await pollUntilSettled(client(), taskId);
        assert.equal(result.state, 'done', JSON.stringify(result));
        const response = await fetch((result as { outputUrl: string }).outputUrl);
        assert.equal(response.status, 200);
        assert.match(response.headers.get('content-type') ?? '', mediaType);
        assert.ok((await response.arrayBuffer()).byteLength > 100);
      });

      it('turns http429 into unavailable with the retry delay the provider asked for', async () => {
        sim.setScenarios([{ match: 'rate-limited', faults: { [provider]: ['http429'] } }]);
        const failure = await expectFailure(client().submit(request(kind, prompt('rate-limited'))), 'unavailable');
        assert.equal(failure.nonRetryable, false);
        assert.equal(failure.nextRetryDelay, 1000);
        assert.equal(sim.calls().providers[provider].submissions, 1, 'the client retried by itself; Temporal must be the only retry layer');
      });

      it('turns http500 into a retryable unavailable', async () => {
        sim.setScenarios([{ match: 'broken', faults: { [provider]: ['http500'] } }]);
        const failure = await expectFailure(client().submit(request(kind, prompt('broken'))), 'unavailable');
        assert.equal(failure.nonRetryable, false);
        assert.equal(sim.calls().providers[provider].submissions, 1, 'the client retried by itself');
      });

      it('turns a request that hangs past the client timeout into unavailable', async () => {
        sim.setScenarios([{ match: 'hanging', faults: { [provider]: ['timeout'] } }]);
        const started = Date.now();
        const failure = await expectFailure(impatientProviders[provider].submit(request(kind, prompt('hanging'))), 'unavailable');
        assert.match(failure.message, /300 ms|timed out|timeout/i);
        assert.ok(Date.now() - started < TIMEOUT_FAULT_MS, 'the client gave up before the simulator answered');
        assert.equal(failure.nonRetryable, false);
      });

      it('reports a refusal as a failed task, refused by moderation', async () => {
        sim.setScenarios([{ match: 'forbidden', faults: { [provider]: ['refuse'] } }]);
        const { taskId } = await client().submit(request(kind, prompt('forbidden')));
        const result = await pollUntilSettled(client(), taskId);
        assert.equal(result.state, 'failed');
        assert.equal((result as { refused: boolean }).refused, true);
      });

      it('hands over an expired URL as done: the download is the store step’s problem', async () => {
        sim.setScenarios([{ match: 'stale', faults: { [provider]: ['expired_url'] } }]);
        const { taskId } = await client().submit(request(kind, prompt('stale')));
        const result = await pollUntilSettled(client(), taskId);
        assert.equal(result.state, 'done');
        const response = await fetch((result as { outputUrl: string }).outputUrl);
        assert.equal(response.status, 410);
        await response.body?.cancel();
      });
    });
  }

  describe('generation activities', () => {
    // The gate and the ledger live in the database; the embedded one is enough here.
    let db: Db;
    let storeRoot: string;
    let store: LocalAssetStore;
    before(async function () {
      this.timeout(30_000);
      ({ db } = await testDatabase('pglite'));
    });
    beforeEach(async () => {
      await emptyTables(db);
      storeRoot = await mkdtemp(path.join(os.tmpdir(), 'sim-generation-store-'));
      store = new LocalAssetStore({ rootDir: storeRoot, publicUrl: 'http://localhost:3000' });
    });
    afterEach(async () => {
      await rm(storeRoot, { recursive: true, force: true });
    });

    const activities = () =>
      createGenerationActivities({
        providers,
        ledger: createDatabaseSubmissionLedger(db),
        gate: createDatabaseConcurrencyGate({ db, limits: parseProviderConcurrency(undefined) }),
        // The simulator serves its outputs over plain http on loopback, as the worker allows with SIM_URL.
        storeOutput: createOutputStorer({ store, maxAssetBytes: 50 * 1024 * 1024, allowLoopback: true }),
      });
    const generation = (provider: ProviderName, kind: SceneKind, prompt: string, idempotencyKey: string): GenerateRequest => ({
      provider,
      ...request(kind, prompt),
      idempotencyKey,
      sceneId: 7,
      submitBy: Date.now() + 60_000,
      deadlineMs: 60_000,
    });
    // The simulator renders in real time: looks come at most this far apart.
    const patiently = { maxWaitMs: 100, maxExecutions: 400 };

    it('submits once for two executions with the same idempotency key: the second looks at the task', async () => {
      const kling = generation('kling', 'video', 'idempotent kling harbour', 'regenerate-scene-7/run/1/1');
      sim.setScenarios([{ match: 'idempotent kling harbour', latencyMs: 2_000 }]);
      const first = await expectFailure(executeOnce(activities().generateAsset, kling), GENERATION_NOT_READY);
      assert.match(first.message, /kling task .* submitted/);
      const second = await expectFailure(executeOnce(activities().generateAsset, kling), GENERATION_NOT_READY);
      assert.match(second.message, /is still running/);
      assert.equal(sim.calls().providers.kling.submissions, 1);
    });

    for (const { provider, kind, mediaType } of CASES.filter((each) => ['runway', 'falai', 'kling'].includes(each.provider))) {
      it(`runs a ${provider} ${kind} generation to our stored copy, with the cost of the attempt`, async () => {
        const run = await runGeneration(activities().generateAsset, generation(provider, kind, `stored ${provider} meadow`, `regenerate-scene-8/run/1/${provider}-${kind}`), patiently);
        assert.equal(run.failure, undefined, run.failure?.message);
        const generated = run.generated!;
        assert.equal(generated.provider, provider);
        assert.match(generated.asset.mediaType, mediaType);
        assert.equal(await store.has(generated.asset.key), true);
        assert.equal(generated.costUsd, providers[provider].costUsd(kind, kind === 'video' ? 2 : 0));
        assert.ok(run.retried.every((failure) => failure.type === GENERATION_NOT_READY), run.retried.map((failure) => failure.message).join('; '));
        assert.equal(sim.calls().providers[provider].submissions, 1);
      });
    }

    for (const provider of ['kling', 'runway', 'falai'] as const) {
      it(`cancelGeneration stops the ${provider} task the round no longer wants`, async () => {
        const kind: SceneKind = provider === 'falai' ? 'image' : 'video';
        const prompt = `slow ${provider} glacier`;
        sim.setScenarios([{ match: prompt, latencyMs: 60_000 }]);
        const idempotencyKey = `regenerate-scene-9/run/1/${provider}`;
        const submitted = await expectFailure(executeOnce(activities().generateAsset, generation(provider, kind, prompt, idempotencyKey)), GENERATION_NOT_READY);
        const taskId = (submitted.details?.[0] as { taskId?: string }).taskId;
        assert.ok(taskId);
        const cancelled = await quietEnvironment().run(activities().cancelGeneration, { idempotencyKey });
        assert.deepEqual(cancelled, { taskId, billedUsd: 0 });
        assert.equal(sim.calls().providers[provider].cancels, 1);
      });
    }

    it('past its deadline, the task is cancelled at the provider and the attempt fails with timeout', async () => {
      const prompt = 'endless runway tide';
      sim.setScenarios([{ match: prompt, latencyMs: 60_000 }]);
      const run = await runGeneration(
        activities().generateAsset,
        { ...generation('runway', 'video', prompt, 'regenerate-scene-10/run/1/1'), deadlineMs: 1_000 },
        patiently,
      );
      assert.equal(run.failure?.type, TIMEOUT);
      assert.equal(run.failure?.nonRetryable, true);
      assert.equal(sim.calls().providers.runway.cancels, 1);
    });
  });
});
