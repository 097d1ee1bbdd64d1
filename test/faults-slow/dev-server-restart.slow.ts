import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startStack, type Stack } from '../../src/stack/start-stack';
import { freePort, startDevServer, type DevServer } from '../../src/temporal/dev-server';
import { testDatabase } from '../db/test-databases';
import { startRoundsInFlight } from '../helpers/rounds-across-outage';
import { seedFromEnv } from '../helpers/seeded-random';
import { waitUntilAsync } from '../helpers/wait-async';

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
    const inFlight = await startRoundsInFlight(stack, { count: ROUNDS, seed, tagPrefix: 'd' });

    // Stopped once the rounds are well under way: some generating, some judging, some done.
    await waitUntilAsync(async () => (await inFlight.attemptsRecorded()) >= ROUNDS / 2, 300_000);
    const attemptsBefore = await inFlight.attemptsRecorded();
    await server.stop();
    console.log(`      server stopped with ${attemptsBefore} attempts recorded`);
    await sleep(OUTAGE_MS);
    server = await startDevServer({ port, dbFilename, startTimeoutMs: 120_000 });
    console.log('      server started again on the same port and file');

    const problems = await inFlight.problemsWhenDone();
    assert.equal(stack.worker.getState(), 'RUNNING', 'the worker must have survived the outage');
    assert.deepEqual(problems, [], `seed ${seed}`);
  });
});
