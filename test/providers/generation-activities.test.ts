import assert from 'node:assert/strict';
import { ActivityCancellationDetails, ApplicationFailure, ApplicationFailureCategory, CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createGenerationActivities, type GenerationHeartbeat } from '../../activities/generation';
import { GENERATION_NOT_READY, type GenerationOutput, type GenerationRequest, type GenerationTask } from '../../src/domain/activity-types';
import type { ProviderName } from '../../src/domain/provider';
import { parseProviderConcurrency } from '../../src/config';
import type { Db } from '../../src/db/database';
import { createDatabaseConcurrencyGate, type ConcurrencyGate } from '../../src/providers/concurrency-gate';
import { ProviderHttpError, ProviderNetworkError } from '../../src/providers/http-errors';
import type { ProviderClient, ProviderPollResult, ProviderSubmitRequest } from '../../src/providers/provider-client';
import { callbackToken } from '../../src/providers/callbacks';
import { createDatabaseSubmissionLedger } from '../../src/providers/submission-ledger';
import { describeEachDatabase } from '../db/test-databases';
import { metricValue } from '../ops/metric-values';
import { submittedTask } from '../helpers/submitted-task';

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

let db: () => Db;

const defaultGate = () => createDatabaseConcurrencyGate({ db: db(), limits: parseProviderConcurrency(undefined) });

function activitiesWith(
  provider: ProviderClient,
  gate: ConcurrencyGate = defaultGate(),
  callbacks?: { publicUrl: string; secret: string },
) {
  const providers = Object.fromEntries(
    (['kling', 'runway', 'luma', 'hailuo', 'falai', 'flux'] as ProviderName[]).map((name) => [name, provider]),
  ) as Record<ProviderName, ProviderClient>;
  return createGenerationActivities({
    providers,
    ledger: createDatabaseSubmissionLedger(db()),
    gate,
    pollIntervalMs: { initial: 5, max: 20 },
    callbacks,
  });
}

// The activities log every submission and retry; tests only want to hear about errors.
function quietEnvironment(info?: ConstructorParameters<typeof MockActivityEnvironment>[0]) {
  return new MockActivityEnvironment(info, { logger: new DefaultLogger('ERROR') });
}

const request: GenerationRequest = {
  provider: 'kling',
  prompt: 'a red bicycle',
  kind: 'video',
  durationSeconds: 5,
  aspectRatio: '16:9',
  idempotencyKey: 'regenerate-scene-1/1/1',
};
const task: GenerationTask = { provider: 'kling', taskId: 'task-1', kind: 'video', durationSeconds: 5 };

async function expectFailure(promise: Promise<unknown>, type: string): Promise<ApplicationFailure> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ApplicationFailure, `expected ApplicationFailure, got ${String(error)}`);
    assert.equal(error.type, type);
    return error;
  }
  assert.fail(`expected a ${type} failure`);
}

// The gate and the ledger are the real ones, on each test database (emptied before each test).
describeEachDatabase('generation activities', (context) => {
  before(() => {
    db = context.db;
  });

  describe('submitGeneration', () => {
    it('submits once per idempotency key, however often it is retried', async () => {
      const provider = new ScriptedProvider();
      const activities = activitiesWith(provider);
      const env = quietEnvironment();
      const first = await env.run(activities.submitGeneration, request);
      const second = await env.run(activities.submitGeneration, request);
      assert.equal(provider.submissions, 1);
      assert.deepEqual(second, first);
      assert.deepEqual(first, { provider: 'kling', taskId: 'task-1', kind: 'video', durationSeconds: 5 });
      await env.run(activities.submitGeneration, { ...request, idempotencyKey: 'regenerate-scene-1/1/2' });
      assert.equal(provider.submissions, 2);
    });

    it('with webhooks on, passes a callback URL for the submitting workflow to providers that offer them', async () => {
      const provider = new ScriptedProvider();
      const secret = 'a-secret-for-this-test';
      const activities = activitiesWith(provider, defaultGate(), { publicUrl: 'https://review.example.com/', secret });
      const env = quietEnvironment();
      await env.run(activities.submitGeneration, request);
      await env.run(activities.submitGeneration, { ...request, provider: 'runway' as const, idempotencyKey: 'regenerate-scene-1/1/3' });
      const [kling, runway] = provider.requests;
      const token = callbackToken(secret, 'kling', 'test');
      assert.equal(kling.callbackUrl, `https://review.example.com/webhooks/generation/kling?workflowId=test&token=${token}`);
      assert.equal(kling.callbackSecret, token);
      assert.equal(runway.callbackUrl, undefined, 'Runway has no webhooks');
    });

    it('records nothing when the provider refuses, so a later call may try again', async () => {
      let calls = 0;
      const provider = new ScriptedProvider();
      provider.submit = async () => {
        calls += 1;
        if (calls === 1) throw new ProviderHttpError(503, 'busy', 2000);
        return { taskId: 'task-after-outage' };
      };
      const activities = activitiesWith(provider);
      const env = quietEnvironment();
      const failure = await expectFailure(env.run(activities.submitGeneration, request), 'unavailable');
      assert.equal(failure.nextRetryDelay, 2000);
      const retried = submittedTask(await env.run(activities.submitGeneration, request));
      assert.equal(retried.taskId, 'task-after-outage');
    });

    it('a retry on another worker gets the recorded task; a different provider under the key is not reused', async () => {
      const provider = new ScriptedProvider();
      const first = submittedTask(await quietEnvironment().run(activitiesWith(provider).submitGeneration, request));
      // A new set of activities on the same database: another worker process, on another host.
      assert.deepEqual(await quietEnvironment().run(activitiesWith(provider).submitGeneration, request), first);
      assert.equal(provider.submissions, 1);
      const elsewhere = submittedTask(
        await quietEnvironment().run(activitiesWith(provider).submitGeneration, { ...request, provider: 'luma' as const }),
      );
      assert.equal(elsewhere.provider, 'luma');
      assert.equal(provider.submissions, 2);
    });

    it('writes the intent before calling the provider and the answer before returning', async () => {
      const provider = new ScriptedProvider();
      const seenBySubmit: unknown[] = [];
      provider.submit = async () => {
        seenBySubmit.push(await db().kysely.selectFrom('provider_submissions').select(['provider', 'task_id', 'answered_at']).execute());
        return { taskId: 'task-seen' };
      };
      await quietEnvironment().run(activitiesWith(provider).submitGeneration, request);
      assert.deepEqual(seenBySubmit, [[{ provider: 'kling', task_id: null, answered_at: null }]]);
      const row = await db().kysely.selectFrom('provider_submissions').selectAll().executeTakeFirstOrThrow();
      assert.equal(row.idempotency_key, request.idempotencyKey);
      assert.equal(row.task_id, 'task-seen');
      assert.ok(row.answered_at instanceof Date);
    });

    it('counts a possible duplicate charge, once per retry, when an earlier send got no answer', async () => {
      const provider = new ScriptedProvider();
      let calls = 0;
      provider.submit = async () => {
        calls += 1;
        // The first two sends time out: the provider may or may not have started a task.
        if (calls <= 2) throw new ProviderNetworkError('no answer within 30000 ms', 'TimeoutError');
        return { taskId: 'task-after-timeouts' };
      };
      const activities = activitiesWith(provider);
      const before = await metricValue('provider_possible_duplicate_charges_total', { provider: 'kling' });
      const counted = async () => (await metricValue('provider_possible_duplicate_charges_total', { provider: 'kling' })) - before;

      await expectFailure(quietEnvironment().run(activities.submitGeneration, request), 'unavailable');
      assert.equal(await counted(), 0, 'the first send is no duplicate of anything');
      await expectFailure(quietEnvironment().run(activities.submitGeneration, request), 'unavailable');
      assert.equal(await counted(), 1);
      const task = submittedTask(await quietEnvironment().run(activities.submitGeneration, request));
      assert.equal(task.taskId, 'task-after-timeouts');
      assert.equal(await counted(), 2);
      // Answered now: a further retry gets the task, sends nothing and counts nothing.
      assert.deepEqual(await quietEnvironment().run(activities.submitGeneration, request), task);
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
      const activities = activitiesWith(provider);
      const before = await metricValue('provider_possible_duplicate_charges_total', { provider: 'kling' });
      await expectFailure(quietEnvironment().run(activities.submitGeneration, request), 'unavailable');
      await expectFailure(quietEnvironment().run(activities.submitGeneration, request), 'unavailable');
      submittedTask(await quietEnvironment().run(activities.submitGeneration, request));
      assert.equal(await metricValue('provider_possible_duplicate_charges_total', { provider: 'kling' }), before);
    });
  });

  describe('the per-provider concurrency limit', () => {
    const gateOfOne = () =>
      createDatabaseConcurrencyGate({ db: db(), limits: { ...parseProviderConcurrency(undefined), kling: 1 }, retryAfterMs: 700 });
    const second = { ...request, idempotencyKey: 'regenerate-scene-2/1/1' };

    it('answers busy without calling the provider while its limit is in flight, and submits once the task ends', async () => {
      const provider = new ScriptedProvider([{ state: 'done', outputUrl: 'https://cdn.test/1.mp4' }]);
      const gate = gateOfOne();
      const activities = activitiesWith(provider, gate);
      const first = submittedTask(await quietEnvironment().run(activities.submitGeneration, request));
      assert.deepEqual(await quietEnvironment().run(activities.submitGeneration, second), {
        busy: true,
        provider: 'kling',
        retryAfterMs: 700,
      });
      assert.equal(provider.submissions, 1);
      // Another provider has its own limit.
      submittedTask(await quietEnvironment().run(activities.submitGeneration, { ...second, provider: 'luma' as const }));

      await quietEnvironment().run(activities.awaitGeneration, first);
      assert.equal(await gate.inFlight('kling'), 0);
      submittedTask(await quietEnvironment().run(activities.submitGeneration, second));
    });

    it('a refused submission takes no place', async () => {
      const provider = new ScriptedProvider();
      provider.submit = async () => {
        throw new ProviderHttpError(400, 'bad prompt', undefined);
      };
      const gate = gateOfOne();
      await expectFailure(quietEnvironment().run(activitiesWith(provider, gate).submitGeneration, request), 'bad_request');
      assert.equal(await gate.inFlight('kling'), 0);
    });

    it('a final failure gives the place back; one Temporal retries keeps it for the retry', async () => {
      const refusedGate = gateOfOne();
      const refused = new ScriptedProvider([{ state: 'failed', reason: 'SAFETY', refused: true }]);
      const refusedTask = submittedTask(await quietEnvironment().run(activitiesWith(refused, refusedGate).submitGeneration, request));
      await expectFailure(quietEnvironment().run(activitiesWith(refused, refusedGate).awaitGeneration, refusedTask), 'content_refused');
      assert.equal(await refusedGate.inFlight('kling'), 0);

      const outageGate = gateOfOne();
      const outage = new ScriptedProvider([new ProviderHttpError(500, 'down', undefined)]);
      const outageTask = submittedTask(
        await quietEnvironment().run(activitiesWith(outage, outageGate).submitGeneration, { ...request, idempotencyKey: 'regenerate-scene-3/1/1' }),
      );
      await expectFailure(quietEnvironment().run(activitiesWith(outage, outageGate).awaitGeneration, outageTask), 'unavailable');
      assert.equal(await outageGate.inFlight('kling'), 1);
    });

    it('a workflow cancellation gives the place back', async () => {
      const provider = new ScriptedProvider([{ state: 'pending' }]);
      const gate = gateOfOne();
      const activities = activitiesWith(provider, gate);
      const submitted = submittedTask(await quietEnvironment().run(activities.submitGeneration, request));
      const env = quietEnvironment();
      env.once('heartbeat', () => env.cancel());
      await assert.rejects(env.run(activities.awaitGeneration, submitted), CancelledFailure);
      assert.equal(await gate.inFlight('kling'), 0);
    });

    it('a retried submission the ledger knows keeps its task, even when the limit is taken', async () => {
      const provider = new ScriptedProvider();
      const gate = gateOfOne();
      const activities = activitiesWith(provider, gate);
      const first = submittedTask(await quietEnvironment().run(activities.submitGeneration, request));
      await gate.release('kling', first.taskId);
      await gate.hold('kling', 'someone-else');
      assert.deepEqual(await quietEnvironment().run(activities.submitGeneration, request), first);
      assert.equal(provider.submissions, 1);
      assert.equal(await gate.inFlight('kling'), 2);
    });
  });

  describe('checkGeneration (one look; Temporal schedules the next)', () => {
    it('fails benign and retryable "not ready" while the task runs, keeping its place; returns the output and gives the place back when done', async () => {
      const provider = new ScriptedProvider([{ state: 'pending', progress: 0.4 }, { state: 'done', outputUrl: 'https://cdn.test/out.mp4' }]);
      const gate = defaultGate();
      const activities = activitiesWith(provider, gate);
      const notReady = await expectFailure(quietEnvironment().run(activities.checkGeneration, task), GENERATION_NOT_READY);
      assert.equal(notReady.nonRetryable, false);
      assert.equal(notReady.category, ApplicationFailureCategory.BENIGN);
      assert.match(notReady.message, /kling task task-1 is still running \(40% done\)/);
      assert.equal(await gate.inFlight('kling'), 1);
      const output = await quietEnvironment().run(activities.checkGeneration, task);
      assert.deepEqual(output, { provider: 'kling', taskId: 'task-1', outputUrl: 'https://cdn.test/out.mp4', costUsd: 0.5 });
      assert.equal(provider.polls, 2);
      assert.equal(await gate.inFlight('kling'), 0);
    });

    it('a failed or refused task is final and gives its place back; an outage is retried and keeps it', async () => {
      const gate = defaultGate();
      const refused = new ScriptedProvider([{ state: 'failed', reason: 'SAFETY.INPUT.TEXT', refused: true }]);
      const failure = await expectFailure(quietEnvironment().run(activitiesWith(refused, gate).checkGeneration, task), 'content_refused');
      assert.equal(failure.nonRetryable, true);
      assert.equal(await gate.inFlight('kling'), 0);
      const broken = new ScriptedProvider([{ state: 'failed', reason: 'renderer crashed', refused: false }]);
      await expectFailure(quietEnvironment().run(activitiesWith(broken, gate).checkGeneration, task), 'generation_failed');
      const outage = new ScriptedProvider([new ProviderHttpError(502, 'gateway', undefined)]);
      const down = await expectFailure(quietEnvironment().run(activitiesWith(outage, gate).checkGeneration, task), 'unavailable');
      assert.equal(down.nonRetryable, false);
      assert.equal(await gate.inFlight('kling'), 1);
      assert.deepEqual(outage.cancels, []);
    });

    it('cancelGeneration tells the provider to stop and gives the place back, even when the provider cannot cancel', async () => {
      const gate = defaultGate();
      const provider = new ScriptedProvider([{ state: 'pending' }]);
      await expectFailure(quietEnvironment().run(activitiesWith(provider, gate).checkGeneration, task), GENERATION_NOT_READY);
      await quietEnvironment().run(activitiesWith(provider, gate).cancelGeneration, task);
      assert.deepEqual(provider.cancels, ['task-1']);
      assert.equal(await gate.inFlight('kling'), 0);
      const stubborn = new ScriptedProvider();
      stubborn.cancel = () => Promise.reject(new ProviderHttpError(400, 'task already finished', undefined));
      await quietEnvironment().run(activitiesWith(stubborn, gate).cancelGeneration, task);
    });
  });

  describe('awaitGeneration', () => {
    it('polls until done, heartbeating the task id and progress, and reports the cost', async () => {
      const provider = new ScriptedProvider([
        { state: 'pending' },
        { state: 'pending', progress: 0.5 },
        { state: 'done', outputUrl: 'https://cdn.test/out.mp4' },
      ]);
      const env = quietEnvironment();
      const beats: GenerationHeartbeat[] = [];
      env.on('heartbeat', (details: GenerationHeartbeat) => beats.push(details));
      const output = await env.run(activitiesWith(provider).awaitGeneration, task);
      assert.deepEqual(output, { provider: 'kling', taskId: 'task-1', outputUrl: 'https://cdn.test/out.mp4', costUsd: 0.5 });
      assert.equal(provider.polls, 3);
      assert.deepEqual(beats, [
        { taskId: 'task-1', progress: undefined, polls: 1 },
        { taskId: 'task-1', progress: 0.5, polls: 2 },
      ]);
    });

    it('resumes with the progress of the previous attempt (a retry after a crash)', async () => {
      const provider = new ScriptedProvider([{ state: 'pending' }, { state: 'done', outputUrl: 'https://cdn.test/o.mp4' }]);
      const previous: GenerationHeartbeat = { taskId: 'task-1', progress: 0.7, polls: 12 };
      const env = quietEnvironment({ attempt: 2, heartbeatDetails: previous });
      const beats: GenerationHeartbeat[] = [];
      env.on('heartbeat', (details: GenerationHeartbeat) => beats.push(details));
      await env.run(activitiesWith(provider).awaitGeneration, task);
      assert.equal(provider.submissions, 0);
      assert.deepEqual(beats, [{ taskId: 'task-1', progress: 0.7, polls: 13 }]);
    });

    it('fails a refused task as content_refused and another failed task as generation_failed', async () => {
      const env = quietEnvironment();
      const refused = new ScriptedProvider([{ state: 'failed', reason: 'SAFETY.INPUT.TEXT', refused: true }]);
      const failure = await expectFailure(env.run(activitiesWith(refused).awaitGeneration, task), 'content_refused');
      assert.equal(failure.nonRetryable, true);
      const broken = new ScriptedProvider([{ state: 'failed', reason: 'renderer crashed', refused: false }]);
      await expectFailure(quietEnvironment().run(activitiesWith(broken).awaitGeneration, task), 'generation_failed');
    });

    it('rides out a few failed polls, then leaves the rest to Temporal', async () => {
      const blip = new ScriptedProvider([
        new ProviderHttpError(502, 'gateway', undefined),
        new ProviderHttpError(429, 'slow', 10),
        { state: 'done', outputUrl: 'https://cdn.test/o.mp4' },
      ]);
      const output = (await quietEnvironment().run(activitiesWith(blip).awaitGeneration, task)) as GenerationOutput;
      assert.equal(output.outputUrl, 'https://cdn.test/o.mp4');

      const outage = new ScriptedProvider([new ProviderHttpError(500, 'down', undefined)]);
      await expectFailure(quietEnvironment().run(activitiesWith(outage).awaitGeneration, task), 'unavailable');
      assert.equal(outage.polls, 4);
      assert.deepEqual(outage.cancels, []);
    });

    it('fails at once, without cancelling, when the provider rejects the key', async () => {
      const provider = new ScriptedProvider([new ProviderHttpError(401, 'bad key', undefined)]);
      await expectFailure(quietEnvironment().run(activitiesWith(provider).awaitGeneration, task), 'auth');
      assert.equal(provider.polls, 1);
      assert.deepEqual(provider.cancels, []);
    });

    it('cancels the provider task when the workflow cancels', async () => {
      const provider = new ScriptedProvider([{ state: 'pending' }]);
      const env = quietEnvironment();
      env.once('heartbeat', () => env.cancel());
      await assert.rejects(env.run(activitiesWith(provider).awaitGeneration, task), CancelledFailure);
      assert.deepEqual(provider.cancels, ['task-1']);
    });

    it('leaves the provider task running when the activity timed out, so the retry resumes it', async () => {
      const provider = new ScriptedProvider([{ state: 'pending' }]);
      const env = quietEnvironment();
      env.once('heartbeat', () => env.cancel('TIMED_OUT', new ActivityCancellationDetails({ timedOut: true })));
      await assert.rejects(env.run(activitiesWith(provider).awaitGeneration, task), CancelledFailure);
      assert.deepEqual(provider.cancels, []);
    });
  });
});
