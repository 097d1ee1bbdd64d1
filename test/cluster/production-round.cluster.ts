import assert from 'node:assert/strict';
import { openDatabase, type Db } from '../../src/db/database';
import { regenerationWorkflowId } from '../../src/domain/workflow-ids';
import { regenerateSceneWorkflow } from '../../workflows';
import { sceneInput } from '../helpers/scenes';
import { startClusterStack, type ClusterStack } from './cluster-stack';
import { checkRunbookOnCluster, RUNBOOK_SCENARIOS } from './runbook-on-cluster';
import { checkStoryboardOnCluster } from './storyboard-on-cluster';

/*
 * Issue 26, items 6 and 3: rounds on Temporal's production server (PostgreSQL persistence, SQL
 * visibility), started as `npm run stack:prod` starts it, with two compiled workers and the
 * compiled web server: the Web UI's list filters and `temporal workflow list` on each search
 * attribute, the README runbook's `temporal` commands, and the sample storyboard end to end.
 * One stack for the three: starting one costs the schema and a server start.
 */
describe('rounds on the production Temporal server (PostgreSQL, SQL visibility)', function () {
  this.timeout(600_000);
  let cluster: ClusterStack;
  let db: Db | undefined;

  before(async function () {
    this.timeout(300_000);
    cluster = await startClusterStack();
    const response = await fetch(`${cluster.stack.simulatorUrl}/_sim/scenarios`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ match: 'glass lighthouse', scores: [52, 81] }, ...RUNBOOK_SCENARIOS]),
    });
    assert.equal(response.status, 200, await response.text());
    db = await openDatabase({ databaseUrl: cluster.stack.databaseUrl, dataDir: cluster.stack.logDir });
  });

  after(async function () {
    this.timeout(120_000);
    await db?.close();
    await cluster?.close();
  });

  it("ends as planned, and the Web UI's list filters and workflow list find it by RegenStatus, SceneId, ProjectId and BestScore", async () => {
    const { stack, client } = cluster;
    const input = sceneInput({ visualDirection: 'A glass lighthouse at dusk', currentProvider: 'kling', projectId: 4242 });
    const workflowId = regenerationWorkflowId(input.scene.id);
    const result = await client.workflow.execute(regenerateSceneWorkflow, { taskQueue: stack.taskQueue, workflowId, args: [input] });
    assert.equal(result.outcome, 'passed');
    assert.equal(result.attempts.length, 2);
    assert.equal(result.finalScore, 81);

    // Visibility is written after the run closes, asynchronously: wait until the list shows it.
    const eventually = async (list: (query: string) => Promise<string[]>, query: string): Promise<string[]> => {
      for (let until = Date.now() + 30_000; ; ) {
        const ids = await list(query);
        if (ids.length > 0 || Date.now() > until) return ids;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    };
    const byCli = async (query: string): Promise<string[]> => {
      const rows = (await cluster.cli(['workflow', 'list', '--query', query])) as { execution: { workflowId: string } }[];
      return rows.map((row) => row.execution.workflowId);
    };
    // What the Web UI's workflow list asks its server when a filter is set (ui-server's API, the
    // same visibility query passed to the frontend).
    const byWebUi = async (query: string): Promise<string[]> => {
      const url = `${stack.temporalUiUrl}/api/v1/namespaces/default/workflows?query=${encodeURIComponent(query)}`;
      const answer = await fetch(url);
      assert.equal(answer.status, 200, await answer.clone().text());
      const body = (await answer.json()) as { executions?: { execution: { workflowId: string } }[] };
      return (body.executions ?? []).map((row) => row.execution.workflowId);
    };
    for (const list of [byCli, byWebUi]) {
      assert.deepEqual(await eventually(list, `RegenStatus = 'passed' AND SceneId = ${input.scene.id}`), [workflowId]);
      assert.deepEqual(await eventually(list, `ProjectId = 4242`), [workflowId]);
      assert.deepEqual(await eventually(list, `BestScore >= 81 AND SceneId = ${input.scene.id}`), [workflowId]);
      // Visibility has the run by now: a filter that excludes it returns nothing.
      assert.deepEqual(await list(`BestScore > 81 AND SceneId = ${input.scene.id}`), []);
      assert.deepEqual(await list(`RegenStatus = 'awaiting_review' AND SceneId = ${input.scene.id}`), []);
    }

    // The namespace carries the retention the setup gave it.
    const [namespace] = (await cluster.cli(['operator', 'namespace', 'describe', '--namespace', 'default'])) as {
      config: { workflowExecutionRetentionTtl: string };
    }[];
    assert.equal(namespace.config.workflowExecutionRetentionTtl, `${30 * 24 * 3600}s`);

    // The web server the stack started answers over the same database.
    const scene = await fetch(`${stack.webUrl}/healthz`);
    assert.equal(scene.status, 200);
  });

  it("the README runbook's temporal commands work against it: list, state, approve, reject, reset, take back, cancel", async () => {
    await checkRunbookOnCluster(cluster, db!);
  });

  it('runs the sample storyboard end to end: every scene passes or waits for review, its assets served by the web server', async () => {
    await checkStoryboardOnCluster(cluster, db!);
  });
});
