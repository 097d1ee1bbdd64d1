import assert from 'node:assert/strict';
import { temporal } from '@temporalio/proto';
import type { RegenerationResult } from '../../src/domain/regeneration';
import { regenerationWorkflowId } from '../../src/domain/workflow-ids';
import { startE2eStack, type E2eStack } from '../helpers/e2e-stack';
import { historyEvents } from '../helpers/history';
import { sceneInput } from '../helpers/scenes';
import { temporalCli } from '../helpers/temporal-cli';

const EventType = temporal.api.enums.v1.EventType;
/** ARCHITECTURE.md "fewer, larger workflow tasks": the most a three-attempt round may take. */
const MOST_TASKS = 12;

describe('a three-attempt round in few workflow tasks (real activities, simulator, started with the temporal CLI)', function () {
  this.timeout(180_000);
  let e2e: E2eStack;
  before(async function () {
    this.timeout(240_000);
    e2e = await startE2eStack({ name: 'workflow-tasks', simulatorOptions: { latencyMs: 0 } });
  });
  after(async () => e2e?.stop());

  it(`an image round that passes at attempt 3 takes at most ${MOST_TASKS} workflow tasks, every step still in its history`, async () => {
    const marker = 'a lighthouse at dusk, few tasks';
    // 45, 48, then 75: attempt 3 passes (75 is near the bar, so it is judged three times: inside one activity).
    e2e.stack.simulator!.setScenarios([{ match: marker, scores: [45, 48, 75] }]);
    const input = sceneInput({ visualDirection: marker, duration: 0, currentProvider: 'falai', contentType: 'object' });
    const workflowId = regenerationWorkflowId(input.scene.id);
    await temporalCli([
      'workflow', 'start',
      '--type', 'regenerateSceneWorkflow',
      '--task-queue', e2e.stack.config.temporal.taskQueue,
      '--workflow-id', workflowId,
      '--input', JSON.stringify(input),
    ]);
    const { result } = (await temporalCli(['workflow', 'result', '--workflow-id', workflowId])) as { result: RegenerationResult };
    assert.equal(result.outcome, 'passed');
    assert.deepEqual(result.attempts.map((a) => a.result), ['failed', 'failed', 'success']);

    const events = await historyEvents(e2e.stack.client.workflow.getHandle(workflowId));
    const tasks = events.filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED).length;
    assert.ok(tasks <= MOST_TASKS, `${tasks} workflow tasks`);
    // What an operator reads in the Web UI: every step of every attempt, in order.
    const steps = events.flatMap((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? []);
    assert.deepEqual(steps, [
      'openRound',
      'generateAsset', 'judgeAsset', 'recordAttempt',
      'generateAsset', 'judgeAsset', 'recordAttempt',
      'generateAsset', 'judgeAsset', 'endRound',
    ]);
    console.log(`      ${tasks} workflow tasks, ${events.length} history events`);
  });
});
