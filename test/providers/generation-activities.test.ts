import assert from 'node:assert/strict';
import { ActivityCancellationDetails, ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createGenerationActivities, type GenerationHeartbeat } from '../../activities/generation';
import type { GenerationOutput, GenerationRequest, GenerationTask } from '../../src/domain/activity-types';
import type { ProviderName } from '../../src/domain/provider';
import { parseProviderConcurrency } from '../../src/config';
import { createConcurrencyGate, type ConcurrencyGate } from '../../src/providers/concurrency-gate';
import { ProviderHttpError } from '../../src/providers/http-errors';
import type { ProviderClient, ProviderPollResult } from '../../src/providers/provider-client';
import { createMemorySubmissionLedger } from '../../src/providers/submission-ledger';
import { submittedTask } from '../helpers/submitted-task';

/** A provider that answers polls from a script and counts what it was asked. */
class ScriptedProvider implements ProviderClient {
  submissions = 0;
  polls = 0;
  cancels: string[] = [];
  constructor(private readonly script: Array<ProviderPollResult | Error> = []) {}
  async submit() {
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

function activitiesWith(provider: ProviderClient, gate: ConcurrencyGate = createConcurrencyGate({ limits: parseProviderConcurrency(undefined) })) {
  const providers = Object.fromEntries(
    (['kling', 'runway', 'luma', 'hailuo', 'falai', 'flux'] as ProviderName[]).map((name) => [name, provider]),
  ) as Record<ProviderName, ProviderClient>;
  return createGenerationActivities({ providers, ledger: createMemorySubmissionLedger(), gate, pollIntervalMs: { initial: 5, max: 20 } });
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

describe('generation activities', () => {
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
  });

  describe('the per-provider concurrency limit', () => {
    const gateOfOne = () => createConcurrencyGate({ limits: { ...parseProviderConcurrency(undefined), kling: 1 }, retryAfterMs: 700 });
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
      assert.equal(gate.inFlight('kling'), 0);
      submittedTask(await quietEnvironment().run(activities.submitGeneration, second));
    });

    it('a refused submission takes no place', async () => {
      const provider = new ScriptedProvider();
      provider.submit = async () => {
        throw new ProviderHttpError(400, 'bad prompt', undefined);
      };
      const gate = gateOfOne();
      await expectFailure(quietEnvironment().run(activitiesWith(provider, gate).submitGeneration, request), 'bad_request');
      assert.equal(gate.inFlight('kling'), 0);
    });

    it('a final failure gives the place back; one Temporal retries keeps it for the retry', async () => {
      const refusedGate = gateOfOne();
      const refused = new ScriptedProvider([{ state: 'failed', reason: 'SAFETY', refused: true }]);
      const refusedTask = submittedTask(await quietEnvironment().run(activitiesWith(refused, refusedGate).submitGeneration, request));
      await expectFailure(quietEnvironment().run(activitiesWith(refused, refusedGate).awaitGeneration, refusedTask), 'content_refused');
      assert.equal(refusedGate.inFlight('kling'), 0);

      const outageGate = gateOfOne();
      const outage = new ScriptedProvider([new ProviderHttpError(500, 'down', undefined)]);
      const outageTask = submittedTask(await quietEnvironment().run(activitiesWith(outage, outageGate).submitGeneration, request));
      await expectFailure(quietEnvironment().run(activitiesWith(outage, outageGate).awaitGeneration, outageTask), 'unavailable');
      assert.equal(outageGate.inFlight('kling'), 1);
    });

    it('a workflow cancellation gives the place back', async () => {
      const provider = new ScriptedProvider([{ state: 'pending' }]);
      const gate = gateOfOne();
      const activities = activitiesWith(provider, gate);
      const submitted = submittedTask(await quietEnvironment().run(activities.submitGeneration, request));
      const env = quietEnvironment();
      env.once('heartbeat', () => env.cancel());
      await assert.rejects(env.run(activities.awaitGeneration, submitted), CancelledFailure);
      assert.equal(gate.inFlight('kling'), 0);
    });

    it('a retried submission the ledger knows keeps its task, even when the limit is taken', async () => {
      const provider = new ScriptedProvider();
      const gate = gateOfOne();
      const activities = activitiesWith(provider, gate);
      const first = submittedTask(await quietEnvironment().run(activities.submitGeneration, request));
      gate.release('kling', first.taskId);
      gate.hold('kling', 'someone-else');
      assert.deepEqual(await quietEnvironment().run(activities.submitGeneration, request), first);
      assert.equal(provider.submissions, 1);
      assert.equal(gate.inFlight('kling'), 2);
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
