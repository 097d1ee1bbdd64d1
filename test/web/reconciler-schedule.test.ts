import assert from 'node:assert/strict';
import net from 'node:net';
import { Connection, isGrpcDeadlineError } from '@temporalio/client';
import { roundWrites } from '../db/round-writes';
import { emptyTables, testDatabase } from '../db/test-databases';
import { clientWithDeadlines } from '../../src/temporal/call-deadline';
import { reconcileReviewEntries, startReconciler } from '../../src/web/review-entry-reconciler';
import { seedScene } from './web-harness';

/*
 * A Temporal server that accepts connections and never answers: every call to it must end by its
 * deadline, and the reconciler must go on with its schedule whatever one pass does.
 */
describe('the reconciler against a Temporal server that never answers', function () {
  this.timeout(60_000);
  let silent: net.Server;
  const sockets = new Set<net.Socket>();
  let connection: Connection;

  before(async () => {
    silent = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as net.AddressInfo;
    connection = Connection.lazy({ address: `127.0.0.1:${port}` });
  });

  after(async () => {
    // The connection stays open (mocha exits at the end): the SDK's client keeps retrying calls
    // that timed out, and a retry on a closed connection throws outside any test ("Channel has
    // been shut down"), failing whichever test runs then.
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  async function databaseWithPendingEntry() {
    const { db } = await testDatabase('pglite');
    await emptyTables(db);
    const scene = await seedScene(db, { score: 40 });
    const { entryId } = await roundWrites(db).escalateToReview({
      workflowId: 'regenerate-scene-1',
      runId: 'run-1',
      round: 1,
      sceneId: scene.id,
      projectId: scene.projectId,
      sceneIndex: 0,
      reason: 'auto_regeneration_failed',
      bestScore: 40,
      attempts: [],
      escalatedAt: '2025-01-01T00:00:00.000Z',
    });
    return { db, entryId };
  }

  it('each call has a deadline: a describe that is never answered fails, and the pass ends', async () => {
    const { db, entryId } = await databaseWithPendingEntry();
    const client = clientWithDeadlines(connection, 'default', 300);
    const started = Date.now();
    await assert.rejects(client.workflow.getHandle('regenerate-scene-1').describe(), (error: Error) => isGrpcDeadlineError(error.cause));
    const report = await reconcileReviewEntries(db, client, { callTimeoutMs: 300, taskQueue: 'reconciler-schedule' });
    assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`);
    assert.deepEqual(report.skipped.map((s) => s.entryId), [entryId], 'left for a later pass');
  });

  it('a pass that hangs times out and the next passes still start', async () => {
    const { db } = await databaseWithPendingEntry();
    // Calls that would wait a minute: only the pass's own time limit ends them.
    const client = clientWithDeadlines(connection, 'default', 60_000);
    const warnings: string[] = [];
    const stop = startReconciler(db, client, { info: () => undefined, warn: (_o, message) => warnings.push(message) }, {
      everyMs: 100,
      callTimeoutMs: 60_000,
      passTimeoutMs: 300,
      taskQueue: 'reconciler-schedule',
    });
    try {
      const deadline = Date.now() + 20_000;
      while (warnings.filter((m) => /timed out/.test(m)).length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.ok(warnings.filter((m) => /timed out/.test(m)).length >= 3, JSON.stringify(warnings));
    } finally {
      await stop();
    }
  });
});
