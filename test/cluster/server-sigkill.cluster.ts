import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { sql } from 'kysely';
import type { RegenerationResult } from '../../src/domain/regeneration';
import { startStack, type Stack } from '../../src/stack/start-stack';
import {
  prepareTemporalSchema,
  setupTemporalNamespace,
  startProductionServer,
  type ProductionServer,
  type TemporalDatabases,
} from '../../src/temporal/production-server';
import { regenerateSceneWorkflow } from '../../workflows';
import { TEST_SERVER_URL, testDatabase } from '../db/test-databases';
import { checkRound } from '../helpers/check-round';
import { withPostgresServer } from '../helpers/postgres-server';
import { startReviewDecider } from '../helpers/review-decider';
import { ROUND_PLANS, scriptedRound } from '../helpers/scripted-rounds';
import { seededRandom, seedFromEnv } from '../helpers/seeded-random';
import { waitUntilAsync } from '../helpers/wait-async';
import { watchedResult } from '../helpers/watched-result';

/*
 * Issue 26, item 7: Temporal's production server killed with SIGKILL (no shutdown: whatever it
 * had not written to PostgreSQL is lost) with 50 rounds in flight, and started again on the same
 * databases and port. test/faults-slow/dev-server-restart.slow.ts does the same to the dev server.
 */
describe('the production Temporal server killed with SIGKILL and restarted with 50 rounds in flight', function () {
  this.timeout(20 * 60_000);
  const seed = seedFromEnv();
  const ROUNDS = 50;
  const prefix = `cluster_${randomBytes(4).toString('hex')}_`;
  const server = new URL(TEST_SERVER_URL);
  const databases: TemporalDatabases = {
    host: server.hostname,
    port: Number(server.port || 5432),
    user: decodeURIComponent(server.username || 'postgres'),
    password: server.password ? decodeURIComponent(server.password) : undefined,
    names: { temporal: `${prefix}temporal`, visibility: `${prefix}temporal_visibility` },
  };
  let dataDir: string;
  let temporal: ProductionServer | undefined;
  let stack: Stack | undefined;

  before(() => {
    console.log(`      seed ${seed} (replay with SEED=${seed}), ${ROUNDS} rounds`);
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'cluster-sigkill-'));
  });
  after(async function () {
    this.timeout(120_000);
    await stack?.stop();
    await temporal?.stop();
    await withPostgresServer(TEST_SERVER_URL, 'The cluster tests need', async (client) => {
      for (const name of Object.values(databases.names!)) await client.query(`drop database if exists "${name}" with (force)`);
    });
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('every round ends as planned: no repeated submission, no ledger entry or review entry left pending', async () => {
    const random = seededRandom(seed);
    await prepareTemporalSchema(databases);
    temporal = await startProductionServer({ databases });
    await setupTemporalNamespace({ address: temporal.address });
    const port = Number(temporal.address.split(':').at(-1));
    const database = await testDatabase('postgres');
    stack = await startStack({
      env: { ...process.env, DATABASE_URL: database.databaseUrl, REVIEW_API_TOKEN: randomUUID() },
      dataDir: path.join(dataDir, 'stack'),
      temporalAddress: temporal.address,
      simulator: 'always',
      webPort: 0,
      taskQueue: `sigkill-${randomUUID()}`,
    });
    const { client } = stack;
    const simulator = stack.simulator!;

    const runTag = randomUUID().slice(0, 8);
    const rounds = Array.from({ length: ROUNDS }, (_, index) =>
      scriptedRound(ROUND_PLANS[index % ROUND_PLANS.length], {
        tag: `k${index}-${runTag}`,
        video: random() < 0.3,
        latencyMs: 1_000 + Math.floor(random() * 3_000),
      }),
    );
    simulator.setScenarios(rounds.flatMap((round) => round.rules));
    const handles = await Promise.all(
      rounds.map((round) =>
        client.workflow.start(regenerateSceneWorkflow, {
          taskQueue: stack!.config.temporal.taskQueue,
          workflowId: round.workflowId,
          args: [round.input],
        }),
      ),
    );
    const decider = startReviewDecider(client, stack.db, rounds);
    const results = handles.map((handle) => watchedResult(handle, () => resultAcrossOutage(handle)));
    const workflowIds = rounds.map((round) => round.workflowId);

    await waitUntilAsync(async () => (await countAttemptRows(stack!, workflowIds)) >= ROUNDS / 2, 300_000);
    console.log(`      SIGKILL with ${await countAttemptRows(stack, workflowIds)} attempts recorded`);
    await temporal.kill();
    await sleep(5_000);
    temporal = await startProductionServer({ databases, port });
    console.log('      server started again on the same databases and port');

    let finished: RegenerationResult[];
    try {
      finished = await Promise.all(results);
    } finally {
      await decider.stop();
    }

    assert.equal(stack.worker.getState(), 'RUNNING', 'the worker must have ridden out the outage');
    const calls = simulator.calls();
    const problems: string[] = [];
    for (const [index, round] of rounds.entries()) {
      const check = await checkRound(round, finished[index], { calls, db: stack.db, handle: handles[index] });
      problems.push(...check.problems.map((problem) => `${round.workflowId} (${round.plan}): ${problem}`));
      // The worker never died, so the ledger finds every retried submission: none may repeat.
      for (const duplicate of check.duplicates) {
        problems.push(`${round.workflowId} attempt ${duplicate.attemptNumber}: ${duplicate.submissions} submissions`);
      }
    }
    const unanswered = await sql<{ idempotency_key: string }>`
      select idempotency_key from provider_submissions where answered_at is null`.execute(stack.db.kysely);
    const ours = new Set(workflowIds);
    for (const row of unanswered.rows.filter((r) => ours.has(r.idempotency_key.split('/')[0]))) {
      problems.push(`ledger entry ${row.idempotency_key} never answered`);
    }
    assert.deepEqual(problems, [], `seed ${seed}`);
  });
});

/** The round's result, asking again while the server is away. */
async function resultAcrossOutage(handle: WorkflowHandle<typeof regenerateSceneWorkflow>): Promise<RegenerationResult> {
  for (;;) {
    try {
      return await handle.result();
    } catch (error) {
      if (error instanceof WorkflowFailedError) throw error;
      await sleep(1_000);
    }
  }
}

async function countAttemptRows(stack: Stack, workflowIds: string[]): Promise<number> {
  const row = await stack.db.kysely
    .selectFrom('regeneration_attempts')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('workflow_id', 'in', workflowIds)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}
