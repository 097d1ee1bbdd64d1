import assert from 'node:assert/strict';
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
    const ended = new Set<string>();
    // Looks 5 s apart: a round that ends within 2.5 s of the callback did not wait for its next look.
    const fake = fakeActivities({ scores: [75], stuckGenerations: { 0: true }, lookEveryMs: 5_000, taskEnded: (taskId) => ended.has(taskId) });
    return { ...fake, ended };
  }

  it('a callback while the looks say "not ready" cancels the pending look and looks at once', async () => {
    const { activities, calls, ended } = world();
    await withWorker(activities, async ({ start }) => {
      const handle = await start(sceneInput());
      await waitUntil(() => calls.checks.length >= 1, 20_000);
      ended.add('task-0');
      const signalledAt = Date.now();
      await handle.signal(generationCallbackSignal, { taskId: 'task-0' });
      const result = await handle.result();
      const waited = Date.now() - signalledAt;
      assert.equal(result.attempts[0].result, 'success');
      assert.ok(waited < 2_500, `the round ended ${waited} ms after the callback`);

      const events = await historyEvents(handle);
      assert.deepEqual(workflowTaskFailures(events), []);
      assert.equal(events.filter(checkName('generateAsset')).length, 2, 'the first generation, cancelled, and one after the callback');
      assert.equal(events.filter((e) => e.activityTaskCancelRequestedEventAttributes).length, 1);
      assert.ok(events.some((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'generationCallback'));
      assert.equal(calls.cancelledTasks.length, 0, 'the provider task was not cancelled: it ended');
    });
  });

  it('a callback for a task already collected, or one that does not fit, changes nothing', async () => {
    const ended = new Set<string>();
    // Attempt 1 (task-0) scores 45 and is collected; attempt 2 (task-1) runs until the test ends it.
    const { activities, calls } = fakeActivities({
      scores: [45, 75],
      stuckGenerations: { 1: true },
      lookEveryMs: 1_000,
      taskEnded: (taskId) => ended.has(taskId),
    });
    await withWorker(activities, async ({ start }) => {
      const handle = await start(sceneInput());
      await waitUntil(() => calls.checks.some((c) => c.taskId === 'task-1'), 20_000);
      await handle.signal(generationCallbackSignal, { taskId: 'task-0' });
      await handle.signal(generationCallbackSignal, { taskId: '' });
      ended.add('task-1');
      const result = await handle.result();
      assert.equal(result.attempts[1].result, 'success');
      const events = await historyEvents(handle);
      assert.equal(events.filter(checkName('generateAsset')).length, 2, 'one generation per attempt, each ended by its own look');
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
