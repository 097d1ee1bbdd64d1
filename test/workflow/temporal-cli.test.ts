import assert from 'node:assert/strict';
import type { RegenerationResult, RegenerationState } from '../../src/domain/regeneration';
import { fakeActivities } from '../helpers/fake-activities';
import { sceneInput } from '../helpers/scenes';
import { temporalCli } from '../helpers/temporal-cli';
import { testEnv } from '../helpers/temporal';
import { workflowBundle } from '../helpers/workflow-bundle';
import { waitUntil, withWorker } from '../helpers/workflow-runner';
import { regenerationWorkflowId } from '../../src/domain/workflow-ids';

describe('the contract from outside TypeScript: the real temporal CLI', function () {
  this.timeout(120_000);
  before(async function () {
    this.timeout(240_000);
    await Promise.all([testEnv(), workflowBundle()]);
  });

  it('starts a round by name, queries its state, approves attempt 2 by signal and reads the result', async () => {
    const { activities, calls } = fakeActivities({ scores: [45, 58, 50] });
    await withWorker(activities, async ({ taskQueue }) => {
      const input = sceneInput();
      const workflowId = regenerationWorkflowId(input.scene.id);
      await temporalCli([
        'workflow', 'start',
        '--type', 'regenerateSceneWorkflow',
        '--task-queue', taskQueue,
        '--workflow-id', workflowId,
        '--input', JSON.stringify(input),
      ]);

      await waitUntil(() => calls.escalations.length === 1, 30_000);
      const queried = (await temporalCli([
        'workflow', 'query', '--workflow-id', workflowId, '--name', 'getRegenerationState',
      ])) as { queryResult: RegenerationState[] };
      const state = queried.queryResult[0];
      assert.equal(state.status, 'awaiting_review');
      assert.equal(state.attempts.length, 3);

      const listed = (await temporalCli([
        'workflow', 'list', '--query', `RegenStatus = 'awaiting_review' AND SceneId = ${input.scene.id}`,
      ])) as { execution: { workflowId: string } }[];
      assert.deepEqual(listed.map((w) => w.execution.workflowId), [workflowId]);

      await temporalCli([
        'workflow', 'signal', '--workflow-id', workflowId, '--name', 'userDecision',
        '--input', JSON.stringify({ action: 'approve', attemptNumber: 2, reviewer: 'cli-operator' }),
      ]);
      const result = (await temporalCli(['workflow', 'result', '--workflow-id', workflowId])) as {
        status: string;
        result: RegenerationResult;
      };
      assert.equal(result.status, 'COMPLETED');
      assert.equal(result.result.outcome, 'approved');
      assert.equal(result.result.finalScore, 58);
      assert.equal(result.result.review?.decision.reviewer, 'cli-operator');
    });
  });
});
