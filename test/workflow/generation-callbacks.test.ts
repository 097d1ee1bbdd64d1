import assert from 'node:assert/strict';
import type { GenerationTask } from '../../src/domain/activity-types';
import { generationCallbackSignal } from '../../workflows/messages';
import { fakeActivities } from '../helpers/fake-activities';
import { historyEvents, workflowTaskFailures } from '../helpers/history';
import { sceneInput } from '../helpers/scenes';
import { testEnv } from '../helpers/temporal';
import { waitUntil, withWorker } from '../helpers/workflow-runner';
import { workflowBundle } from '../helpers/workflow-bundle';

const checkName = (name: string) => (event: { activityTaskScheduledEventAttributes?: { activityType?: { name?: string | null } | null } | null }) =>
  event.activityTaskScheduledEventAttributes?.activityType?.name === name;

describe('a provider callback ends the wait for its generation (scripted activities)', function () {
  this.timeout(120_000);

  before(async function () {
    this.timeout(240_000);
    await Promise.all([testEnv(), workflowBundle()]);
  });

  /** The fake world, where a task ends when the test says so (and never by itself). */
  function world() {
    const fake = fakeActivities({ scores: [75], stuckGenerations: { 0: true } });
    const ended = new Set<string>();
    const stillRunning = fake.activities.checkGeneration;
    fake.activities.checkGeneration = async (task: GenerationTask) => {
      if (!ended.has(task.taskId)) return stillRunning(task);
      fake.calls.checks.push(task);
      return { provider: task.provider, taskId: task.taskId, outputUrl: `https://provider.test/${task.taskId}`, costUsd: 0.5 };
    };
    return { ...fake, ended };
  }

  it('a callback while the looks say "not ready" cancels the pending look and looks at once', async () => {
    const { activities, calls, ended } = world();
    await withWorker(activities, async ({ start }) => {
      const handle = await start(sceneInput());
      // Video looks at 0 s and 2 s; the next would be at 5 s.
      await waitUntil(() => calls.checks.length >= 2, 20_000);
      ended.add('task-0');
      const signalledAt = Date.now();
      await handle.signal(generationCallbackSignal, { taskId: 'task-0' });
      const result = await handle.result();
      const waited = Date.now() - signalledAt;
      assert.equal(result.attempts[0].result, 'success');
      assert.ok(waited < 2_500, `the round ended ${waited} ms after the callback`);

      const events = await historyEvents(handle);
      assert.deepEqual(workflowTaskFailures(events), []);
      assert.equal(events.filter(checkName('checkGeneration')).length, 2, 'the first look, cancelled, and one after the callback');
      assert.equal(events.filter((e) => e.activityTaskCancelRequestedEventAttributes).length, 1);
      assert.ok(events.some((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'generationCallback'));
      assert.equal(calls.cancelledTasks.length, 0, 'the provider task was not cancelled: it ended');
    });
  });

  it('a callback for another task changes nothing; the looks go on until the task ends', async () => {
    const { activities, calls, ended } = world();
    await withWorker(activities, async ({ start }) => {
      const handle = await start(sceneInput());
      await waitUntil(() => calls.checks.length >= 1, 20_000);
      await handle.signal(generationCallbackSignal, { taskId: 'task-99' });
      await handle.signal(generationCallbackSignal, { taskId: '' } );
      ended.add('task-0');
      const result = await handle.result();
      assert.equal(result.attempts[0].result, 'success');
      const events = await historyEvents(handle);
      assert.equal(events.filter(checkName('checkGeneration')).length, 1, 'one check, ended by its own look');
      assert.equal(events.filter((e) => e.activityTaskCancelRequestedEventAttributes).length, 0);
    });
  });

  it('a round cancelled while it waits still cancels the provider task', async () => {
    const { activities, calls } = world();
    await withWorker(activities, async ({ start }) => {
      const handle = await start(sceneInput());
      await waitUntil(() => calls.checks.length >= 1, 20_000);
      await handle.cancel();
      const result = await handle.result();
      assert.equal(result.outcome, 'cancelled');
      await waitUntil(() => calls.cancelledTasks.length === 1);
      assert.deepEqual(calls.cancelledTasks.map((t) => t.taskId), ['task-0']);
    });
  });
});
