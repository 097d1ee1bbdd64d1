import assert from 'node:assert/strict';
import { regenerationWorkflowId } from '../../src/domain/workflow-ids';
import { regenerateSceneWorkflow } from '../../workflows';
import { sceneInput } from '../helpers/scenes';
import { startClusterStack, type ClusterStack } from './cluster-stack';

/*
 * Issue 26, item 6: a round on Temporal's production server (PostgreSQL persistence, SQL
 * visibility), started as `npm run stack:prod` starts it, with two compiled workers and the
 * compiled web server. The Web UI's list filters are visibility queries; the CLI sends the same.
 */
describe('a round on the production Temporal server (PostgreSQL, SQL visibility)', function () {
  this.timeout(600_000);
  let cluster: ClusterStack | undefined;

  after(async function () {
    this.timeout(120_000);
    await cluster?.close();
  });

  it('ends as planned, and workflow list finds it by RegenStatus, SceneId, ProjectId and BestScore', async () => {
    cluster = await startClusterStack();
    const { stack, client } = cluster;
    const response = await fetch(`${stack.simulatorUrl}/_sim/scenarios`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ match: 'glass lighthouse', scores: [52, 81] }]),
    });
    assert.equal(response.status, 200, await response.text());

    const input = sceneInput({ visualDirection: 'A glass lighthouse at dusk', currentProvider: 'kling', projectId: 4242 });
    const workflowId = regenerationWorkflowId(input.scene.id);
    const result = await client.workflow.execute(regenerateSceneWorkflow, { taskQueue: stack.taskQueue, workflowId, args: [input] });
    assert.equal(result.outcome, 'passed');
    assert.equal(result.attempts.length, 2);
    assert.equal(result.finalScore, 81);

    // Visibility is written after the run closes, asynchronously: wait until the list shows it.
    const listed = async (query: string): Promise<string[]> => {
      for (let until = Date.now() + 30_000; ; ) {
        const rows = (await cluster!.cli(['workflow', 'list', '--query', query])) as { execution: { workflowId: string } }[];
        const ids = rows.map((row) => row.execution.workflowId);
        if (ids.length > 0 || Date.now() > until) return ids;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    };
    assert.deepEqual(await listed(`RegenStatus = 'passed' AND SceneId = ${input.scene.id}`), [workflowId]);
    assert.deepEqual(await listed(`ProjectId = 4242`), [workflowId]);
    assert.deepEqual(await listed(`BestScore >= 81 AND SceneId = ${input.scene.id}`), [workflowId]);
    // Visibility has the run by now: a filter that excludes it returns nothing.
    assert.deepEqual(await cluster.cli(['workflow', 'list', '--query', `BestScore > 81 AND SceneId = ${input.scene.id}`]), []);

    // The namespace carries the retention the setup gave it.
    const [namespace] = (await cluster.cli(['operator', 'namespace', 'describe', '--namespace', 'default'])) as {
      config: { workflowExecutionRetentionTtl: string };
    }[];
    assert.equal(namespace.config.workflowExecutionRetentionTtl, `${30 * 24 * 3600}s`);

    // The web server the stack started answers over the same database.
    const scene = await fetch(`${stack.webUrl}/healthz`);
    assert.equal(scene.status, 200);
  });
});
