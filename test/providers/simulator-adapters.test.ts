import assert from 'node:assert/strict';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createGenerationActivities } from '../../activities/generation';
import { loadConfig, parseProviderConcurrency } from '../../src/config';
import type { Db } from '../../src/db/database';
import type { GenerationOutput, GenerationRequest } from '../../src/domain/activity-types';
import type { SceneKind } from '../../src/domain/scene';
import type { ProviderName } from '../../src/domain/provider';
import type { ProviderClient, ProviderPollResult } from '../../src/providers/provider-client';
import { createDatabaseConcurrencyGate } from '../../src/providers/concurrency-gate';
import { createProviderClients } from '../../src/providers/registry';
import { createDatabaseSubmissionLedger } from '../../src/providers/submission-ledger';
import { startSimulator } from '../../src/sim/server';
import { emptyTables, testDatabase } from '../db/test-databases';
import { submittedTask } from '../helpers/submitted-task';

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

      it('hands over an expired URL as done: the download is the fetch activity’s problem', async () => {
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
    before(async function () {
      this.timeout(30_000);
      ({ db } = await testDatabase('pglite'));
    });
    beforeEach(async () => {
      await emptyTables(db);
    });

    const quietEnvironment = () => new MockActivityEnvironment(undefined, { logger: new DefaultLogger('ERROR') });
    const activities = () =>
      createGenerationActivities({
        providers,
        ledger: createDatabaseSubmissionLedger(db),
        gate: createDatabaseConcurrencyGate({ db, limits: parseProviderConcurrency(undefined) }),
        pollIntervalMs: { initial: 20, max: 100 },
      });

    it('submits once for two submitGeneration calls with the same idempotency key', async () => {
      const generation: GenerationRequest = {
        provider: 'kling',
        ...request('video', 'idempotent kling harbour'),
        idempotencyKey: 'regenerate-scene-7/1/1',
      };
      const first = submittedTask(await quietEnvironment().run(activities().submitGeneration, generation));
      const second = submittedTask(await quietEnvironment().run(activities().submitGeneration, generation));
      assert.deepEqual(second, first);
      assert.equal(sim.calls().providers.kling.submissions, 1);
    });

    it('awaits a task to its output, heartbeating, with the cost of the attempt', async () => {
      sim.setScenarios([{ match: 'await runway meadow', latencyMs: 300 }]);
      const generation: GenerationRequest = {
        provider: 'runway',
        ...request('video', 'await runway meadow'),
        idempotencyKey: 'regenerate-scene-8/1/1',
      };
      const task = submittedTask(await quietEnvironment().run(activities().submitGeneration, generation));
      const env = quietEnvironment();
      const beats: Array<{ taskId: string }> = [];
      env.on('heartbeat', (details: { taskId: string }) => beats.push(details));
      const output = (await env.run(activities().awaitGeneration, task)) as GenerationOutput;
      assert.equal(output.taskId, task.taskId);
      assert.match(output.outputUrl, /^http:\/\/127\.0\.0\.1:\d+\//);
      assert.equal(output.costUsd, providers.runway.costUsd('video', 2));
      assert.ok(beats.length > 0 && beats.every((beat) => beat.taskId === task.taskId));
    });

    for (const provider of ['kling', 'runway', 'falai'] as const) {
      it(`cancels the ${provider} task when the workflow cancels the wait`, async () => {
        const kind: SceneKind = provider === 'falai' ? 'image' : 'video';
        const prompt = `slow ${provider} glacier`;
        sim.setScenarios([{ match: prompt, latencyMs: 60_000 }]);
        const generation: GenerationRequest = {
          provider,
          ...request(kind, prompt),
          idempotencyKey: `regenerate-scene-9/1/${provider}`,
        };
        const task = submittedTask(await quietEnvironment().run(activities().submitGeneration, generation));
        const env = quietEnvironment();
        env.once('heartbeat', () => env.cancel());
        await assert.rejects(env.run(activities().awaitGeneration, task), CancelledFailure);
        assert.equal(sim.calls().providers[provider].cancels, 1);
      });
    }
  });
});
