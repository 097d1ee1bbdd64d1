import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import type { RegenerationResult } from '../../src/domain/regeneration';
import { startStack, type Stack } from '../../src/stack/start-stack';
import { freePort, startDevServer, type DevServer } from '../../src/temporal/dev-server';
import { regenerateSceneWorkflow } from '../../workflows';
import { testDatabase } from '../db/test-databases';
import { checkRound } from '../helpers/check-round';
import { startReviewDecider } from '../helpers/review-decider';
import { ROUND_PLANS, scriptedRound } from '../helpers/scripted-rounds';
import { seededRandom, seedFromEnv } from '../helpers/seeded-random';
import { waitUntilAsync } from '../helpers/wait-async';
import { watchedResult } from '../helpers/watched-result';

/**
 * The Temporal server goes away with 50 rounds in flight and comes back on the same port with
 * the same history file. The worker (in this process, every real activity) must ride out the
 * outage and reconnect by itself, and every round must end as planned.
 */
describe('faults (slow): the Temporal dev server stopped and restarted with 50 rounds in flight', function () {
  this.timeout(20 * 60_000);
  const seed = seedFromEnv();
  const ROUNDS = Number(process.env.ROUNDS ?? 50);
  const OUTAGE_MS = 10_000;

  let dataDir: string;
  let server: DevServer | undefined;
  let stack: Stack | undefined;

  before(() => {
    console.log(`      seed ${seed} (replay with SEED=${seed}), ${ROUNDS} rounds, outage ${OUTAGE_MS} ms`);
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'server-restart-'));
  });
  after(async function () {
    this.timeout(120_000);
    await stack?.stop();
    await server?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('every round finishes as planned, and the worker reconnects without a restart', async () => {
    const random = seededRandom(seed);
    const port = await freePort();
    const dbFilename = path.join(dataDir, 'temporal.sqlite');
    server = await startDevServer({ port, dbFilename, startTimeoutMs: 120_000 });
    const database = await testDatabase('postgres');
    stack = await startStack({
      env: { ...process.env, DATABASE_URL: database.databaseUrl, REVIEW_API_TOKEN: randomUUID() },
      dataDir: path.join(dataDir, 'stack'),
      temporalAddress: server.address,
      simulator: 'always',
      webPort: 0,
      taskQueue: `restart-${randomUUID()}`,
    });
    const { client } = stack;
    const simulator = stack.simulator!;

    const runTag = randomUUID().slice(0, 8);
    const rounds = Array.from({ length: ROUNDS }, (_, index) =>
      scriptedRound(ROUND_PLANS[index % ROUND_PLANS.length], {
        tag: `d${index}-${runTag}`,
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

    // Stopped once the rounds are well under way: some generating, some judging, some done.
    await waitUntilAsync(async () => (await countAttemptRows(stack!, rounds.map((r) => r.workflowId))) >= ROUNDS / 2, 300_000);
    const attemptsBefore = await countAttemptRows(stack, rounds.map((r) => r.workflowId));
    await server.stop();
    console.log(`      server stopped with ${attemptsBefore} attempts recorded`);
    await sleep(OUTAGE_MS);
    server = await startDevServer({ port, dbFilename, startTimeoutMs: 120_000 });
    console.log('      server started again on the same port and file');

    let finished: RegenerationResult[];
    try {
      finished = await Promise.all(results);
    } finally {
      await decider.stop();
    }

    assert.equal(stack.worker.getState(), 'RUNNING', 'the worker must have survived the outage');
    const calls = simulator.calls();
    const problems: string[] = [];
    for (const [index, round] of rounds.entries()) {
      const check = await checkRound(round, finished[index], { calls, db: stack.db, handle: handles[index] });
      problems.push(...check.problems.map((problem) => `${round.workflowId} (${round.plan}): ${problem}`));
      // No worker died here, so no submission may ever repeat.
      for (const duplicate of check.duplicates) {
        problems.push(`${round.workflowId} attempt ${duplicate.attemptNumber}: ${duplicate.submissions} submissions`);
      }
    }
    assert.deepEqual(problems, [], `seed ${seed}`);
  });
});

/**
 * The round's result, asking again while the server is away: a client call that fails because
 * nobody answers says nothing about the round.
 */
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
