import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { startStack, type Stack } from '../../src/stack/start-stack';
import {
  prepareTemporalSchema,
  setupTemporalNamespace,
  startProductionServer,
  type ProductionServer,
} from '../../src/temporal/production-server';
import { testDatabase } from '../db/test-databases';
import { clusterTemporalDatabases } from './cluster-stack';
import { startRoundsInFlight } from '../helpers/rounds-across-outage';
import { seedFromEnv } from '../helpers/seeded-random';
import { waitUntilAsync } from '../helpers/wait-async';

/*
 * Issue 26, item 7: Temporal's production server killed with SIGKILL (no shutdown: whatever it
 * had not written to PostgreSQL is lost) with 50 rounds in flight, and started again on the same
 * databases and port. test/faults-slow/dev-server-restart.slow.ts does the same to the dev server.
 */
describe('the production Temporal server killed with SIGKILL and restarted with 50 rounds in flight', function () {
  this.timeout(20 * 60_000);
  const seed = seedFromEnv();
  const ROUNDS = 50;
  const { databases, drop } = clusterTemporalDatabases();
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
    await drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('every round ends as planned: no repeated submission, no ledger entry or review entry left pending', async () => {
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
    const inFlight = await startRoundsInFlight(stack, { count: ROUNDS, seed, tagPrefix: 'k' });

    await waitUntilAsync(async () => (await inFlight.attemptsRecorded()) >= ROUNDS / 2, 300_000);
    console.log(`      SIGKILL with ${await inFlight.attemptsRecorded()} attempts recorded`);
    await temporal.kill();
    await sleep(5_000);
    temporal = await startProductionServer({ databases, port });
    console.log('      server started again on the same databases and port');

    const problems = await inFlight.problemsWhenDone();
    assert.equal(stack.worker.getState(), 'RUNNING', 'the worker must have ridden out the outage');
    const unanswered = await sql<{ idempotency_key: string }>`
      select idempotency_key from provider_submissions where answered_at is null`.execute(stack.db.kysely);
    const ours = new Set(inFlight.workflowIds);
    for (const row of unanswered.rows.filter((r) => ours.has(r.idempotency_key.split('/')[0]))) {
      problems.push(`ledger entry ${row.idempotency_key} never answered`);
    }
    assert.deepEqual(problems, [], `seed ${seed}`);
  });
});
