import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';
import { createGenerationActivities, MAX_SENDS, PROVIDER_BUSY, STORE_RETRY_WINDOW_MS, TIMEOUT } from '../../activities/generation';
import { createOutputStorer } from '../../activities/store-output';
import { parseProviderConcurrency } from '../../src/config';
import type { Db } from '../../src/db/database';
import { FailureType } from '../../src/domain/failures';
import { GENERATION_NOT_READY, type GenerateRequest, type GenerationFailureDetails } from '../../src/domain/generation';
import type { ProviderName } from '../../src/domain/provider';
import { createDatabaseConcurrencyGate, type ConcurrencyGate } from '../../src/providers/concurrency-gate';
import { ProviderHttpError, ProviderNetworkError } from '../../src/providers/http-errors';
import type { ProviderClient, ProviderPollResult, ProviderSubmitRequest } from '../../src/providers/provider-client';
import { callbackToken } from '../../src/providers/callbacks';
import { createDatabaseSubmissionLedger } from '../../src/providers/submission-ledger';
import { nextLookDelayMs, nextPlaceAskDelayMs } from '../../src/rules/generation-wait';
import { breakerOutcome } from '../../src/rules/provider-health';
import { LocalAssetStore } from '../../src/storage/local-asset-store';
import { describeEachDatabase } from '../db/test-databases';
import { executeOnce, quietEnvironment, runGeneration } from '../helpers/run-generation';
import { metricValue } from '../ops/metric-values';
import { startAssetServer, type TestAssetServer } from '../storage/asset-server';
import { makeMp4 } from '../storage/media-fixtures';

/** A provider that answers polls from a script and counts what it was asked. */
class ScriptedProvider implements ProviderClient {
  submissions = 0;
  polls = 0;
  cancels: string[] = [];
  requests: ProviderSubmitRequest[] = [];
  constructor(private readonly script: Array<ProviderPollResult | Error> = []) {}
  async submit(request: ProviderSubmitRequest) {
    this.requests.push(request);
    this.submissions += 1;
    return { taskId: `task-${this.submissions}` };
  }
  async poll() {
    const step = this.script[Math.min(this.polls, this.script.length - 1)] ?? { state: 'pending' as const };
    this.polls += 1;
    if (step instanceof Error) throw step;
    return step;
  }
  async cancel(taskId: string) {
    this.cancels.push(taskId);
  }
  costUsd(kind: 'video' | 'image', seconds: number) {
    return kind === 'video' ? seconds * 0.1 : 0.003;
  }
}

/** A provider whose submissions all fail with `error`, counting them. */
function failingSubmissions(error: () => Error): ScriptedProvider {
  const provider = new ScriptedProvider();
  provider.submit = async () => {
    provider.submissions += 1;
    throw error();
  };
  return provider;
}

let db: () => Db;
let assets: TestAssetServer;
let store: LocalAssetStore;
let storeRoot: string;
let mp4: Buffer;
/** What the output host answers at /flaky: a status, or the clip when 200. */
let flakyStatus = 200;

const defaultGate = () => createDatabaseConcurrencyGate({ db: db(), limits: parseProviderConcurrency(undefined) });

function activitiesWith(provider: ProviderClient, gate: ConcurrencyGate = defaultGate(), callbacks?: { publicUrl: string; secret: string }) {
  const providers = Object.fromEntries(
    (['kling', 'runway', 'luma', 'hailuo', 'falai', 'flux'] as ProviderName[]).map((name) => [name, provider]),
  ) as Record<ProviderName, ProviderClient>;
  return createGenerationActivities({
    providers,
    ledger: createDatabaseSubmissionLedger(db()),
    gate,
    // The real copy into a real store, from an output host on loopback.
    storeOutput: createOutputStorer({ store, maxAssetBytes: 10 * 1024 * 1024, allowLoopback: true }),
    callbacks,
  });
}

const KEY = 'regenerate-scene-1/run/1/1';

function generation(overrides: Partial<GenerateRequest> = {}): GenerateRequest {
  return {
    provider: 'kling',
    prompt: 'a red bicycle',
    kind: 'video',
    durationSeconds: 5,
    aspectRatio: '16:9',
    idempotencyKey: KEY,
    sceneId: 1,
    submitBy: Date.now() + 60_000,
    deadlineMs: 15 * 60_000,
    ...overrides,
  };
}

const delivered = (pathname = '/clip.mp4'): ProviderPollResult => ({ state: 'done', outputUrl: assets.url(pathname) });

async function expectFailure(promise: Promise<unknown>, type: string): Promise<ApplicationFailure> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ApplicationFailure, `expected ApplicationFailure, got ${String(error)}`);
    assert.equal(error.type, type, error.message);
    return error;
  }
  assert.fail(`expected a ${type} failure`);
}

/** A benign "not ready" failure, retried after the delay it names. */
async function expectNotReady(promise: Promise<unknown>, message: RegExp): Promise<ApplicationFailure> {
  const failure = await expectFailure(promise, GENERATION_NOT_READY);
  assert.equal(failure.nonRetryable, false);
  assert.equal(failure.category, ApplicationFailureCategory.BENIGN);
  assert.match(failure.message, message);
  assert.ok(typeof failure.nextRetryDelay === 'number' && failure.nextRetryDelay > 0, String(failure.nextRetryDelay));
  return failure;
}

/** What the round reads from a failure: where it failed, the task, the money. */
function roundDetails(failure: ApplicationFailure): GenerationFailureDetails {
  const { step, taskId, billedUsd } = (failure.details?.[0] ?? {}) as GenerationFailureDetails;
  return Object.fromEntries(Object.entries({ step, taskId, billedUsd }).filter(([, value]) => value !== undefined));
}

async function ledgerRow(idempotencyKey = KEY) {
  return db().kysely.selectFrom('provider_submissions').selectAll().where('idempotency_key', '=', idempotencyKey).executeTakeFirstOrThrow();
}

/** Moves a ledger time of the key back, as if that much time had passed since. */
async function age(column: 'answered_at' | 'done_at', ms: number, idempotencyKey = KEY): Promise<void> {
  await sql`update provider_submissions set ${sql.ref(column)} = ${sql.ref(column)} - make_interval(secs => ${ms / 1000}) where idempotency_key = ${idempotencyKey}`.execute(
    db().kysely,
  );
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

before(async function () {
  this.timeout(30_000);
  mp4 = await makeMp4(160, 90, 1);
  assets = await startAssetServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://x');
    const clip = () => response.writeHead(200, { 'content-type': 'video/mp4', 'content-length': mp4.length }).end(mp4);
    if (url.pathname === '/clip.mp4') return clip();
    if (url.pathname === '/flaky') return flakyStatus === 200 ? clip() : response.writeHead(flakyStatus).end('not now');
    if (url.pathname === '/rate-limited') return response.writeHead(429, { 'retry-after': '3' }).end();
    response.writeHead(410).end('expired');
  });
});
after(async () => {
  await assets?.close();
});

// The gate, the ledger and the store are the real ones, on each test database (emptied before each test).
describeEachDatabase('generation activities', (context) => {
  before(() => {
    db = context.db;
  });
  beforeEach(async () => {
    flakyStatus = 200;
    storeRoot = await mkdtemp(path.join(os.tmpdir(), 'generation-store-'));
    store = new LocalAssetStore({ rootDir: storeRoot, publicUrl: 'http://localhost:3000' });
  });
  afterEach(async () => {
    await rm(storeRoot, { recursive: true, force: true });
  });

  describe('generateAsset, one step per execution (Temporal runs the next)', () => {
    it('submits, looks while the task runs, then stores the output, waiting benignly in between without holding anything but the place', async () => {
      const provider = new ScriptedProvider([{ state: 'pending' }, { state: 'pending', progress: 0.4 }, delivered()]);
      const gate = defaultGate();
      const { generateAsset } = activitiesWith(provider, gate);

      const submitted = await expectNotReady(executeOnce(generateAsset, generation()), /kling task task-1 submitted/);
      assert.equal(submitted.nextRetryDelay, nextLookDelayMs('video', 0));
      assert.deepEqual(roundDetails(submitted), { step: 'generate', taskId: 'task-1' });
      assert.deepEqual([provider.submissions, provider.polls], [1, 0]);
      assert.equal(await gate.inFlight('kling'), 1);

      await expectNotReady(executeOnce(generateAsset, generation()), /kling task task-1 is still running$/);
      const running = await expectNotReady(executeOnce(generateAsset, generation()), /kling task task-1 is still running \(40% done\)/);
      assert.deepEqual(roundDetails(running), { step: 'generate', taskId: 'task-1' });
      assert.equal(await gate.inFlight('kling'), 1, 'the running task keeps its place');

      const generated = await executeOnce(generateAsset, generation());
      assert.deepEqual({ ...generated, asset: undefined }, { asset: undefined, provider: 'kling', taskId: 'task-1', costUsd: 0.5 });
      assert.equal(generated.asset.sha256, sha256(mp4));
      assert.equal(generated.asset.mediaType, 'video/mp4');
      assert.equal(await store.has(generated.asset.key), true);
      assert.deepEqual([provider.submissions, provider.polls], [1, 3]);
      assert.equal(await gate.inFlight('kling'), 0, 'the place is given back when the task ends');
      const row = await ledgerRow();
      assert.deepEqual([row.output_url, row.cost_usd], [assets.url('/clip.mp4'), 0.5]);

      // Its completion lost on the way to Temporal, the activity runs once more: the same copy,
      // from the ledger, without asking the provider again.
      assert.deepEqual(await executeOnce(generateAsset, generation()), generated);
      assert.deepEqual([provider.submissions, provider.polls], [1, 3]);
    });

    it('run as Temporal retries it, ends with the stored output after benign failures only', async () => {
      const provider = new ScriptedProvider([{ state: 'pending' }, { state: 'pending' }, delivered()]);
      const run = await runGeneration(activitiesWith(provider).generateAsset, generation());
      assert.equal(run.generated?.taskId, 'task-1');
      assert.deepEqual(
        run.retried.map((failure) => [failure.type, failure.category]),
        Array.from({ length: 3 }, () => [GENERATION_NOT_READY, ApplicationFailureCategory.BENIGN]),
      );
    });

    it('spaces its looks by how long the task has run, by the database clock', async () => {
      const { generateAsset } = activitiesWith(new ScriptedProvider([{ state: 'pending' }]));
      await expectNotReady(executeOnce(generateAsset, generation()), /submitted/);
      await age('answered_at', 10_000);
      const early = await expectNotReady(executeOnce(generateAsset, generation()), /still running/);
      assert.ok(Math.abs(Number(early.nextRetryDelay) - nextLookDelayMs('video', 10_000)) < 1_000, String(early.nextRetryDelay));
      await age('answered_at', 60_000);
      const late = await expectNotReady(executeOnce(generateAsset, generation()), /still running/);
      assert.equal(late.nextRetryDelay, nextLookDelayMs('video', 70_000));
    });
  });

  describe('submission', () => {
    it('submits once per idempotency key, however often it is retried', async () => {
      const provider = new ScriptedProvider([delivered()]);
      const { generateAsset } = activitiesWith(provider);
      const first = await runGeneration(generateAsset, generation());
      const again = await runGeneration(generateAsset, generation());
      assert.equal(provider.submissions, 1);
      assert.deepEqual(again.generated, first.generated);
      await runGeneration(generateAsset, generation({ idempotencyKey: 'regenerate-scene-1/run/1/2' }));
      assert.equal(provider.submissions, 2);
    });

    it('with webhooks on, passes a callback URL for the submitting workflow to providers that offer them', async () => {
      const provider = new ScriptedProvider();
      const secret = 'a-secret-for-this-test';
      const { generateAsset } = activitiesWith(provider, defaultGate(), { publicUrl: 'https://review.example.com/', secret });
      await expectNotReady(executeOnce(generateAsset, generation()), /submitted/);
      await expectNotReady(executeOnce(generateAsset, generation({ provider: 'runway', idempotencyKey: `${KEY}-runway` })), /submitted/);
      const [kling, runway] = provider.requests;
      const token = callbackToken(secret, 'kling', 'test');
      assert.equal(kling.callbackUrl, `https://review.example.com/webhooks/generation/kling?workflowId=test&token=${token}`);
      assert.equal(kling.callbackSecret, token);
      assert.equal(runway.callbackUrl, undefined, 'Runway has no webhooks');
    });

    it('a refused send gives its place back and is retried after the delay the provider asked for', async () => {
      let calls = 0;
      const provider = new ScriptedProvider();
      provider.submit = async () => {
        calls += 1;
        if (calls === 1) throw new ProviderHttpError(503, 'busy', 2000);
        return { taskId: 'task-after-outage' };
      };
      const gate = defaultGate();
      const { generateAsset } = activitiesWith(provider, gate);
      const failure = await expectFailure(executeOnce(generateAsset, generation()), FailureType.unavailable);
      assert.equal(failure.nonRetryable, false);
      assert.equal(failure.nextRetryDelay, 2000);
      assert.deepEqual(roundDetails(failure), { step: 'generate' });
      assert.equal(await gate.inFlight('kling'), 0);
      assert.equal((await ledgerRow()).failed_sends, 1);
      const retried = await expectNotReady(executeOnce(generateAsset, generation()), /task-after-outage submitted/);
      assert.equal(roundDetails(retried).taskId, 'task-after-outage');
    });

    it('a retry on another worker finds the recorded task and looks at it; a different provider under the key is not reused', async () => {
      const provider = new ScriptedProvider([{ state: 'pending' }]);
      await expectNotReady(executeOnce(activitiesWith(provider).generateAsset, generation()), /submitted/);
      // A new set of activities on the same database: another worker process, on another host.
      await expectNotReady(executeOnce(activitiesWith(provider).generateAsset, generation()), /task-1 is still running/);
      assert.deepEqual([provider.submissions, provider.polls], [1, 1]);
      await expectNotReady(executeOnce(activitiesWith(provider).generateAsset, generation({ provider: 'luma' })), /luma task task-2 submitted/);
      assert.equal(provider.submissions, 2);
    });

    it('writes the intent before calling the provider and the answer before the execution ends', async () => {
      const provider = new ScriptedProvider();
      const seenBySubmit: unknown[] = [];
      provider.submit = async () => {
        seenBySubmit.push(await db().kysely.selectFrom('provider_submissions').select(['provider', 'task_id', 'answered_at']).execute());
        return { taskId: 'task-seen' };
      };
      await expectNotReady(executeOnce(activitiesWith(provider).generateAsset, generation()), /submitted/);
      assert.deepEqual(seenBySubmit, [[{ provider: 'kling', task_id: null, answered_at: null }]]);
      const row = await ledgerRow();
      assert.equal(row.task_id, 'task-seen');
      assert.ok(row.answered_at instanceof Date);
    });

    it('counts a possible duplicate charge, once per retry, when an earlier send got no answer, and retries it on its own backoff', async () => {
      const provider = new ScriptedProvider();
      let calls = 0;
      provider.submit = async () => {
        calls += 1;
        // The first two sends time out: the provider may or may not have started a task.
        if (calls <= 2) throw new ProviderNetworkError('no answer within 30000 ms', 'TimeoutError');
        return { taskId: 'task-after-timeouts' };
      };
      const { generateAsset } = activitiesWith(provider);
      const before = await metricValue('provider_possible_duplicate_charges_total', { provider: 'kling' });
      const counted = async () => (await metricValue('provider_possible_duplicate_charges_total', { provider: 'kling' })) - before;

      const first = await expectFailure(executeOnce(generateAsset, generation()), FailureType.unavailable);
      assert.equal(first.nextRetryDelay, 5_000);
      assert.equal(await counted(), 0, 'the first send is no duplicate of anything');
      // The retry sends at once, not told to wait for a send that already failed.
      const second = await expectFailure(executeOnce(generateAsset, generation()), FailureType.unavailable);
      assert.equal(second.nextRetryDelay, 10_000);
      assert.equal(await counted(), 1);
      await expectNotReady(executeOnce(generateAsset, generation()), /task-after-timeouts submitted/);
      assert.equal(await counted(), 2);
      // Answered now: a further execution looks at the task, sends nothing and counts nothing.
      await expectNotReady(executeOnce(generateAsset, generation()), /task-after-timeouts is still running/);
      assert.equal(calls, 3);
      assert.equal(await counted(), 2);
    });

    it('counts nothing after a refusal the provider answered: it started no task', async () => {
      const provider = new ScriptedProvider();
      let calls = 0;
      provider.submit = async () => {
        calls += 1;
        if (calls === 1) throw new ProviderHttpError(429, 'slow down', 10);
        if (calls === 2) throw new ProviderHttpError(503, 'busy', 10);
        return { taskId: 'task-after-refusals' };
      };
      const { generateAsset } = activitiesWith(provider);
      const before = await metricValue('provider_possible_duplicate_charges_total', { provider: 'kling' });
      await expectFailure(executeOnce(generateAsset, generation()), FailureType.unavailable);
      await expectFailure(executeOnce(generateAsset, generation()), FailureType.unavailable);
      await expectNotReady(executeOnce(generateAsset, generation()), /task-after-refusals submitted/);
      assert.equal(await metricValue('provider_possible_duplicate_charges_total', { provider: 'kling' }), before);
    });

    it(`asks a provider that keeps failing ${MAX_SENDS} times, backing off, and the last failure is final`, async () => {
      const provider = failingSubmissions(() => new ProviderHttpError(500, 'down', undefined));
      const gate = defaultGate();
      const run = await runGeneration(activitiesWith(provider, gate).generateAsset, generation());
      assert.equal(run.failure?.type, FailureType.unavailable);
      assert.equal(run.failure?.nonRetryable, true);
      assert.deepEqual(roundDetails(run.failure!), { step: 'generate' });
      assert.equal(provider.submissions, MAX_SENDS);
      assert.deepEqual(
        run.retried.map((failure) => failure.nextRetryDelay),
        [5_000, 10_000, 20_000, 40_000],
      );
      assert.equal((await ledgerRow()).failed_sends, MAX_SENDS);
      assert.equal(await gate.inFlight('kling'), 0);
    });

    it('a refusal that no retry can help is final at the first send', async () => {
      const provider = failingSubmissions(() => new ProviderHttpError(400, 'bad prompt', undefined));
      const run = await runGeneration(activitiesWith(provider).generateAsset, generation());
      assert.equal(run.failure?.type, FailureType.badRequest);
      assert.equal(run.failure?.nonRetryable, true);
      assert.equal(provider.submissions, 1);
    });

    it('of two first submissions under one key at once (two workers), only one sends', async function () {
      this.timeout(20_000);
      const provider = new ScriptedProvider([delivered()]);
      let letSubmit!: () => void;
      const submitMayAnswer = new Promise<void>((resolve) => (letSubmit = resolve));
      const submit = provider.submit.bind(provider);
      provider.submit = async (request) => {
        await submitMayAnswer;
        return submit(request);
      };
      const gate = defaultGate();
      const executions = [activitiesWith(provider, gate), activitiesWith(provider, gate)].map((activities) =>
        executeOnce(activities.generateAsset, generation()).then(
          () => assert.fail('a first execution only submits'),
          (error: unknown) => error,
        ),
      );
      // The one that did not claim the key ends without sending; then the other's send answers.
      const loser = await Promise.race(executions);
      letSubmit();
      const outcomes = (await Promise.all(executions)) as ApplicationFailure[];
      assert.ok(loser instanceof ApplicationFailure);
      assert.match(loser.message, /another submission under .* is on its way/);
      assert.equal(loser.type, GENERATION_NOT_READY);
      assert.deepEqual(outcomes.map((outcome) => outcome.type), [GENERATION_NOT_READY, GENERATION_NOT_READY]);
      assert.equal(outcomes.filter((outcome) => /task-1 submitted/.test(outcome.message)).length, 1);
      assert.equal(provider.submissions, 1);
      assert.equal(await gate.inFlight('kling'), 1, 'the one that did not send gave its place back');
      // Both go on to the same task and output.
      const [first, second] = await Promise.all([
        runGeneration(activitiesWith(provider, gate).generateAsset, generation()),
        runGeneration(activitiesWith(provider, gate).generateAsset, generation()),
      ]);
      assert.equal(first.generated?.asset.key, second.generated?.asset.key);
      assert.equal(provider.submissions, 1);
    });
  });

  describe('the per-provider concurrency limit', () => {
    const gateOfOne = () =>
      createDatabaseConcurrencyGate({ db: db(), limits: { ...parseProviderConcurrency(undefined), kling: 1 }, retryAfterMs: 700 });
    const second = () => generation({ idempotencyKey: 'regenerate-scene-2/run/1/1' });

    it('waits benignly without calling the provider while its limit is in flight, and submits once the task ends', async () => {
      const provider = new ScriptedProvider([delivered()]);
      const gate = gateOfOne();
      const { generateAsset } = activitiesWith(provider, gate);
      await expectNotReady(executeOnce(generateAsset, generation()), /submitted/);
      const waiting = await expectNotReady(executeOnce(generateAsset, second()), /kling is at its concurrency limit \(1 in flight\)/);
      assert.equal(waiting.nextRetryDelay, nextPlaceAskDelayMs(700, 0));
      // Asked again and again, it waits a little longer each time.
      const later = await expectNotReady(executeOnce(generateAsset, second(), { attempt: 4 }), /concurrency limit/);
      assert.equal(later.nextRetryDelay, nextPlaceAskDelayMs(700, 3));
      assert.ok(Number(later.nextRetryDelay) > 700);
      assert.equal(provider.submissions, 1);
      // Another provider has its own limit.
      await expectNotReady(executeOnce(generateAsset, generation({ provider: 'luma', idempotencyKey: 'regenerate-scene-3/run/1/1' })), /luma task task-2 submitted/);

      await runGeneration(generateAsset, generation());
      assert.equal(await gate.inFlight('kling'), 0);
      await expectNotReady(executeOnce(generateAsset, second()), /kling task task-3 submitted/);
    });

    it('without a place by submitBy, fails the attempt for good with provider_busy, having sent nothing', async () => {
      const provider = new ScriptedProvider();
      const gate = gateOfOne();
      await gate.hold('kling', 'someone-elses-task');
      const run = await runGeneration(activitiesWith(provider, gate).generateAsset, generation({ submitBy: Date.now() + 300 }), { maxWaitMs: 50 });
      assert.equal(run.failure?.type, PROVIDER_BUSY);
      assert.equal(run.failure?.nonRetryable, true);
      assert.deepEqual(roundDetails(run.failure!), { step: 'generate' });
      assert.ok(run.retried.length > 0 && run.retried.every((failure) => failure.type === GENERATION_NOT_READY));
      assert.equal(provider.submissions, 0);
      assert.deepEqual(await db().kysely.selectFrom('provider_submissions').selectAll().execute(), []);
    });

    it('submitBy only bounds the wait for a place: a task already submitted is looked at after it', async () => {
      const provider = new ScriptedProvider([{ state: 'pending' }]);
      const { generateAsset } = activitiesWith(provider, gateOfOne());
      await expectNotReady(executeOnce(generateAsset, generation()), /submitted/);
      await expectNotReady(executeOnce(generateAsset, generation({ submitBy: Date.now() - 1 })), /still running/);
    });

    it('a refused submission takes no place', async () => {
      const gate = gateOfOne();
      const provider = failingSubmissions(() => new ProviderHttpError(400, 'bad prompt', undefined));
      await expectFailure(executeOnce(activitiesWith(provider, gate).generateAsset, generation()), FailureType.badRequest);
      assert.equal(await gate.inFlight('kling'), 0);
    });

    it('a final failure gives the place back; a provider blip while looking keeps it for the next look', async () => {
      const refusedGate = gateOfOne();
      const refused = new ScriptedProvider([{ state: 'failed', reason: 'SAFETY', refused: true }]);
      const run = await runGeneration(activitiesWith(refused, refusedGate).generateAsset, generation());
      assert.equal(run.failure?.type, FailureType.contentRefused);
      assert.equal(await refusedGate.inFlight('kling'), 0);

      const outageGate = gateOfOne();
      const outage = new ScriptedProvider([new ProviderHttpError(500, 'down', undefined)]);
      const key = 'regenerate-scene-3/run/1/1';
      await expectNotReady(executeOnce(activitiesWith(outage, outageGate).generateAsset, generation({ idempotencyKey: key })), /submitted/);
      await expectNotReady(executeOnce(activitiesWith(outage, outageGate).generateAsset, generation({ idempotencyKey: key })), /could not be asked/);
      assert.equal(await outageGate.inFlight('kling'), 1);
    });

    it('a retried generation the ledger knows keeps its task, even when the limit is taken', async () => {
      const provider = new ScriptedProvider([{ state: 'pending' }]);
      const gate = gateOfOne();
      const { generateAsset } = activitiesWith(provider, gate);
      await expectNotReady(executeOnce(generateAsset, generation()), /submitted/);
      // Its place lapsed and another generation took the only one.
      await gate.release('kling', 'task-1');
      await gate.hold('kling', 'someone-else');
      await expectNotReady(executeOnce(generateAsset, generation()), /task-1 is still running/);
      assert.equal(provider.submissions, 1);
      assert.equal(await gate.inFlight('kling'), 2);
    });
  });

  describe('looking at the task', () => {
    it('a refused or failed task is final, gives its place back, and is billed nothing', async () => {
      const gate = defaultGate();
      const refused = new ScriptedProvider([{ state: 'failed', reason: 'SAFETY.INPUT.TEXT', refused: true }]);
      const run = await runGeneration(activitiesWith(refused, gate).generateAsset, generation());
      assert.equal(run.failure?.type, FailureType.contentRefused);
      assert.equal(run.failure?.nonRetryable, true);
      assert.deepEqual(roundDetails(run.failure!), { step: 'generate', taskId: 'task-1', billedUsd: 0 });
      assert.equal(await gate.inFlight('kling'), 0);
      const broken = new ScriptedProvider([{ state: 'failed', reason: 'renderer crashed', refused: false }]);
      const failed = await runGeneration(activitiesWith(broken, gate).generateAsset, generation({ idempotencyKey: `${KEY}-b` }));
      assert.equal(failed.failure?.type, FailureType.generationFailed);
      assert.deepEqual([refused.cancels, broken.cancels], [[], []]);
    });

    it('a delivered task is recorded at what the provider reports it cost, the price table only where it reports nothing', async () => {
      const reported = new ScriptedProvider([{ state: 'done', outputUrl: assets.url('/clip.mp4'), costUsd: 0.24 }]);
      const run = await runGeneration(activitiesWith(reported).generateAsset, generation());
      assert.equal(run.generated?.costUsd, 0.24);
      const failedButBilled = new ScriptedProvider([{ state: 'failed', reason: 'INTERNAL.BAD_OUTPUT.CODE01', refused: false, costUsd: 0.06 }]);
      const failed = await runGeneration(activitiesWith(failedButBilled).generateAsset, generation({ idempotencyKey: `${KEY}-c` }));
      assert.equal(roundDetails(failed.failure!).billedUsd, 0.06);
    });

    it('a task the provider failed in its own service ends the attempt as unavailable, a provider failure for its health', async () => {
      const gate = defaultGate();
      const down = new ScriptedProvider([{ state: 'failed', reason: 'INPUT_PREPROCESSING.INTERNAL', refused: false, providerFault: true }]);
      const run = await runGeneration(activitiesWith(down, gate).generateAsset, generation());
      assert.equal(run.failure?.type, FailureType.unavailable);
      // The task is over: the attempt ends here and the round's next attempt submits anew.
      assert.equal(run.failure?.nonRetryable, true);
      assert.equal(down.submissions, 1);
      assert.equal(breakerOutcome({ failure: { type: run.failure!.type, message: '' }, failedStep: 'generate' } as never), 'failure');
    });

    it('rides out failed looks of any retryable kind, leaving the task running, until it is done', async () => {
      const blip = new ScriptedProvider([
        new ProviderHttpError(502, 'gateway', undefined),
        new ProviderHttpError(429, 'slow', 10),
        new ProviderNetworkError('socket hang up', 'ECONNRESET'),
        delivered(),
      ]);
      const run = await runGeneration(activitiesWith(blip).generateAsset, generation());
      assert.equal(run.generated?.taskId, 'task-1');
      assert.equal(blip.polls, 4);
      assert.deepEqual(
        run.retried.map((failure) => failure.type),
        Array.from({ length: 4 }, () => GENERATION_NOT_READY),
      );
      assert.equal(run.retried.filter((failure) => /could not be asked about task task-1/.test(failure.message)).length, 3);
      assert.deepEqual(blip.cancels, []);
    });

    it('fails for good at once, without cancelling, when the provider rejects the key', async () => {
      const provider = new ScriptedProvider([new ProviderHttpError(401, 'bad key', undefined)]);
      const gate = defaultGate();
      const run = await runGeneration(activitiesWith(provider, gate).generateAsset, generation());
      assert.equal(run.failure?.type, FailureType.auth);
      assert.deepEqual(roundDetails(run.failure!), { step: 'generate', taskId: 'task-1' });
      assert.equal(provider.polls, 1);
      assert.deepEqual(provider.cancels, []);
      assert.equal(await gate.inFlight('kling'), 0);
    });

    it('past its deadline since submission, cancels the task at the provider and fails for good with timeout', async () => {
      const provider = new ScriptedProvider([{ state: 'pending' }]);
      const gate = defaultGate();
      const run = await runGeneration(activitiesWith(provider, gate).generateAsset, generation({ deadlineMs: 400 }), { maxWaitMs: 50 });
      assert.equal(run.failure?.type, TIMEOUT);
      assert.equal(run.failure?.nonRetryable, true);
      assert.deepEqual(roundDetails(run.failure!), { step: 'generate', taskId: 'task-1', billedUsd: 0 });
      assert.ok(provider.polls > 0, 'it looked while the deadline had not passed');
      assert.deepEqual(provider.cancels, ['task-1']);
      assert.equal(await gate.inFlight('kling'), 0);
    });

    it('the deadline is counted from the recorded submission, not from the execution, and holds when the provider cannot cancel', async () => {
      const provider = new ScriptedProvider([{ state: 'pending' }]);
      provider.cancel = () => Promise.reject(new ProviderHttpError(400, 'cannot cancel a running task', undefined));
      const gate = defaultGate();
      const { generateAsset } = activitiesWith(provider, gate);
      await expectNotReady(executeOnce(generateAsset, generation()), /submitted/);
      await age('answered_at', 14 * 60_000);
      await expectNotReady(executeOnce(generateAsset, generation()), /still running/);
      await age('answered_at', 2 * 60_000);
      const failure = await expectFailure(executeOnce(generateAsset, generation()), TIMEOUT);
      assert.match(failure.message, /kling did not finish task task-1 within 15 minutes/);
      // Not stopped, so it runs to the end and is billed.
      assert.deepEqual(roundDetails(failure), { step: 'generate', taskId: 'task-1', billedUsd: 0.5 });
      assert.equal(provider.polls, 1);
      assert.equal(await gate.inFlight('kling'), 0);
    });
  });

  describe('storing the output', () => {
    it('a store failure is retried without asking the provider again, and carries the task and what it is billed', async () => {
      flakyStatus = 500;
      const provider = new ScriptedProvider([delivered('/flaky')]);
      const gate = defaultGate();
      const { generateAsset } = activitiesWith(provider, gate);
      await expectNotReady(executeOnce(generateAsset, generation()), /submitted/);
      const failed = await expectFailure(executeOnce(generateAsset, generation()), FailureType.unavailable);
      assert.equal(failed.nonRetryable, false);
      assert.deepEqual(roundDetails(failed), { step: 'store', taskId: 'task-1', billedUsd: 0.5 });
      assert.equal(await gate.inFlight('kling'), 0, 'the task ended: its place is free while our store is down');
      await expectFailure(executeOnce(generateAsset, generation()), FailureType.unavailable);
      flakyStatus = 200;
      const generated = await executeOnce(generateAsset, generation());
      assert.equal(generated.asset.sha256, sha256(mp4));
      assert.equal(generated.costUsd, 0.5);
      assert.deepEqual([provider.submissions, provider.polls], [1, 1]);
    });

    it('waits as long as the output host asks before trying again', async () => {
      const { generateAsset } = activitiesWith(new ScriptedProvider([delivered('/rate-limited')]));
      await expectNotReady(executeOnce(generateAsset, generation()), /submitted/);
      const failure = await expectFailure(executeOnce(generateAsset, generation()), FailureType.unavailable);
      assert.equal(failure.nonRetryable, false);
      assert.equal(failure.nextRetryDelay, 3_000);
    });

    it(`gives up on our store ${STORE_RETRY_WINDOW_MS / 1000} s after the provider delivered: the failure is final and billed`, async () => {
      flakyStatus = 503;
      const { generateAsset } = activitiesWith(new ScriptedProvider([delivered('/flaky')]));
      await expectNotReady(executeOnce(generateAsset, generation()), /submitted/);
      assert.equal((await expectFailure(executeOnce(generateAsset, generation()), FailureType.unavailable)).nonRetryable, false);
      await age('done_at', STORE_RETRY_WINDOW_MS - 10_000);
      assert.equal((await expectFailure(executeOnce(generateAsset, generation()), FailureType.unavailable)).nonRetryable, false);
      await age('done_at', 20_000);
      const final = await expectFailure(executeOnce(generateAsset, generation()), FailureType.unavailable);
      assert.equal(final.nonRetryable, true);
      assert.deepEqual(roundDetails(final), { step: 'store', taskId: 'task-1', billedUsd: 0.5 });
    });

    it('an output that is gone fails for good at once, billed', async () => {
      const run = await runGeneration(activitiesWith(new ScriptedProvider([delivered('/expired')])).generateAsset, generation());
      assert.equal(run.failure?.type, FailureType.assetGone);
      assert.equal(run.failure?.nonRetryable, true);
      assert.deepEqual(roundDetails(run.failure!), { step: 'store', taskId: 'task-1', billedUsd: 0.5 });
    });
  });

  describe('cancelGeneration (by idempotency key)', () => {
    it('stops the running task, gives its place back, and says what it is billed', async () => {
      const gate = defaultGate();
      const provider = new ScriptedProvider([{ state: 'pending' }]);
      await expectNotReady(executeOnce(activitiesWith(provider, gate).generateAsset, generation()), /submitted/);
      const cancelled = await executeOnceCancel(activitiesWith(provider, gate));
      assert.deepEqual(cancelled, { taskId: 'task-1', billedUsd: 0 });
      assert.deepEqual(provider.cancels, ['task-1']);
      assert.equal(await gate.inFlight('kling'), 0);
    });

    it('goes ahead when the provider cannot cancel, recording the task at the table price: it runs on and is billed', async () => {
      const gate = defaultGate();
      const stubborn = new ScriptedProvider([{ state: 'pending' }]);
      stubborn.cancel = () => Promise.reject(new ProviderHttpError(400, 'only pending tasks can be cancelled', undefined));
      await expectNotReady(executeOnce(activitiesWith(stubborn, gate).generateAsset, generation()), /submitted/);
      assert.deepEqual(await executeOnceCancel(activitiesWith(stubborn, gate)), { taskId: 'task-1', billedUsd: 0.5 });
      assert.equal(await gate.inFlight('kling'), 0);
    });

    it('records what the provider reports a cancelled task cost (Runway: cost after refunds)', async () => {
      const provider = new ScriptedProvider([{ state: 'failed', reason: 'the task was cancelled or deleted', refused: false, costUsd: 0.12 }]);
      await expectNotReady(executeOnce(activitiesWith(provider).generateAsset, generation()), /submitted/);
      assert.deepEqual(await executeOnceCancel(activitiesWith(provider)), { taskId: 'task-1', billedUsd: 0.12 });
    });

    it('leaves a delivered task alone and reports its bill; a key that sent nothing costs nothing', async () => {
      flakyStatus = 500;
      const provider = new ScriptedProvider([delivered('/flaky')]);
      const { generateAsset } = activitiesWith(provider);
      await expectNotReady(executeOnce(generateAsset, generation()), /submitted/);
      await expectFailure(executeOnce(generateAsset, generation()), FailureType.unavailable);
      assert.deepEqual(await executeOnceCancel(activitiesWith(provider)), { taskId: 'task-1', billedUsd: 0.5 });
      assert.deepEqual(provider.cancels, []);
      assert.deepEqual(await executeOnceCancel(activitiesWith(provider), 'never-sent/run/1/1'), { billedUsd: 0 });
    });
  });
});

/** One execution of cancelGeneration, as the round runs it when it no longer wants the attempt. */
function executeOnceCancel(activities: ReturnType<typeof activitiesWith>, idempotencyKey = KEY) {
  return quietEnvironment().run(activities.cancelGeneration, { idempotencyKey });
}
