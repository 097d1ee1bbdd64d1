import assert from 'node:assert/strict';
import { Client as PgClient } from 'pg';
import { regenerationWorkflowId } from '../../src/domain/workflow-ids';
import type { SimCalls } from '../../src/sim/server';
import { regenerateSceneWorkflow } from '../../workflows';
import { sceneInput } from '../helpers/scenes';
import { killHard } from '../helpers/worker-process';
import { startClusterStack, type ClusterStack } from './cluster-stack';

/*
 * Issue 26, item 9: two compiled workers on the production server, one killed with SIGKILL
 * mid-generation; its rounds finish on the other, and no provider is paid twice beyond the
 * submissions the ledger could not see answered (test/e2e/many-hosts.test.ts on the dev server).
 */
describe('two workers on the production Temporal server, one killed mid-generation', function () {
  this.timeout(600_000);
  const ROUNDS = 12;
  let cluster: ClusterStack | undefined;
  let db: PgClient | undefined;

  after(async function () {
    this.timeout(120_000);
    await db?.end();
    await cluster?.close();
  });

  it('every round ends on the other worker as planned, with no submission the ledger did not record beyond those in flight', async () => {
    cluster = await startClusterStack();
    const { stack, client } = cluster;
    const marker = (index: number) => `amber-${index}-kite`;
    const answer = await fetch(`${stack.simulatorUrl}/_sim/scenarios`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(Array.from({ length: ROUNDS }, (_, index) => ({ match: marker(index), scores: [86], latencyMs: 3_000 }))),
    });
    assert.equal(answer.status, 200, await answer.text());
    const inputs = Array.from({ length: ROUNDS }, (_, index) =>
      sceneInput({ visualDirection: `A kite, view ${marker(index)}`, currentProvider: index % 2 === 0 ? 'kling' : 'runway' }),
    );
    const workflowIds = inputs.map((input) => regenerationWorkflowId(input.scene.id));
    const results = inputs.map((input, index) =>
      client.workflow.execute(regenerateSceneWorkflow, { taskQueue: stack.taskQueue, workflowId: workflowIds[index], args: [input] }),
    );
    const calls = async (): Promise<SimCalls> => (await (await fetch(`${stack.simulatorUrl}/_sim/calls`)).json()) as SimCalls;
    const submissions = async (): Promise<number> => Object.values((await calls()).providers).reduce((sum, p) => sum + p.submissions, 0);

    // Mid-run: some generations submitted and rendering, the rest still ahead.
    for (let until = Date.now() + 120_000; (await submissions()) < 4; ) {
      if (Date.now() > until) assert.fail('the rounds never got going');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    db = new PgClient({ connectionString: stack.databaseUrl });
    await db.connect();
    const ours = (key: string) => workflowIds.includes(key.split('/')[0]);
    const unanswered = await db.query<{ idempotency_key: string }>('select idempotency_key from provider_submissions where answered_at is null');
    const inFlightAtKill = unanswered.rows.filter((row) => ours(row.idempotency_key)).length;
    await killHard(stack.workers[0]);

    for (const result of await Promise.all(results)) {
      assert.equal(result.outcome, 'passed');
      assert.equal(result.finalScore, 86);
    }
    // Each submission the simulator saw is in the ledger with its task, but for those the killed
    // worker had sent without an answer recorded (one more for an intent written at the kill).
    const ledger = await db.query<{ idempotency_key: string }>('select idempotency_key from provider_submissions where task_id is not null');
    const recorded = ledger.rows.filter((row) => ours(row.idempotency_key)).length;
    const seen = await submissions();
    assert.ok(seen - recorded <= inFlightAtKill + 1, `${seen} submissions at the simulator, ${recorded} in the ledger, ${inFlightAtKill} in flight at the kill`);
    assert.ok(seen >= ROUNDS);
  });
});
