import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { regenerationWorkflowId } from '../../src/domain/workflow-ids';
import { startSimulator } from '../../src/sim/server';
import { freePort } from '../../src/temporal/dev-server';
import { buildWebServer } from '../../src/web/server';
import { regenerateSceneWorkflow } from '../../workflows';
import { testDatabase } from '../db/test-databases';
import { sceneInput } from '../helpers/scenes';
import { listFiles } from '../storage/list-files';
import { startLoggedWorker } from '../helpers/logged-process';
import { runUntilExit, theOneLine } from '../helpers/run-until-exit';
import { S3_ACCESS_KEY, startS3Server, type S3TestServer } from '../helpers/s3-server';
import { testEnv, testServer } from '../helpers/temporal';

/**
 * Bad object-store settings stop the worker and the web server at start, before they touch
 * Temporal or the database: exit 1 and one line that names the setting to fix.
 */
describe('the object store in the worker and web processes: start-up check, a round', function () {
  this.timeout(240_000);
  let s3: S3TestServer;
  let dataDir: string;

  before(async function () {
    this.timeout(300_000);
    s3 = await startS3Server();
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'store-startup-'));
  });
  after(async () => {
    await s3?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  // Nothing listens at TEMPORAL_ADDRESS: a process that got past the store check would hang or fail differently.
  const base = (): NodeJS.ProcessEnv => ({ ...s3.env('assets'), DATA_DIR: dataDir, TEMPORAL_ADDRESS: '127.0.0.1:9' });

  const cases: { what: string; env: () => Promise<NodeJS.ProcessEnv>; setting: RegExp; detail: RegExp }[] = [
    {
      what: 'an unreachable endpoint',
      env: async () => ({ S3_ENDPOINT: `http://127.0.0.1:${await freePort()}` }),
      setting: /check S3_ENDPOINT:/,
      detail: /cannot be reached .*ECONNREFUSED/,
    },
    {
      what: 'a wrong secret key',
      env: async () => ({ AWS_SECRET_ACCESS_KEY: 'not-the-secret-0000' }),
      setting: /check AWS_ACCESS_KEY_ID\/AWS_SECRET_ACCESS_KEY:/,
      detail: /refused the credentials \(SignatureDoesNotMatch/,
    },
    {
      what: 'an unknown access key',
      env: async () => ({ AWS_ACCESS_KEY_ID: 'nobody-here' }),
      setting: /check AWS_ACCESS_KEY_ID\/AWS_SECRET_ACCESS_KEY:/,
      detail: /refused the credentials/,
    },
    {
      what: 'a missing bucket',
      env: async () => ({ ASSET_STORE: 's3://no-such-bucket/assets' }),
      setting: /check ASSET_STORE:/,
      detail: /bucket "no-such-bucket" does not exist/,
    },
  ];

  for (const { what, env, setting, detail } of cases) {
    it(`the worker stops on ${what}, naming the setting in one line`, async () => {
      const ended = await runUntilExit('worker.ts', { ...base(), ...(await env()) });
      assert.equal(ended.code, 1, ended.output);
      const line = theOneLine(ended);
      assert.match(line, setting);
      assert.match(line, detail);
      assert.doesNotMatch(ended.output, /test-secret-key/, 'no secret in the output');
    });
  }

  it('the web server stops on a missing bucket and on an unreachable endpoint, naming the setting', async () => {
    const missing = await runUntilExit('src/web/main.ts', { ...base(), ASSET_STORE: 's3://no-such-bucket' });
    assert.equal(missing.code, 1, missing.output);
    assert.match(theOneLine(missing), /^web: Asset store unusable, check ASSET_STORE: the bucket "no-such-bucket" does not exist/);
    const unreachable = await runUntilExit('src/web/main.ts', { ...base(), S3_ENDPOINT: `http://127.0.0.1:${await freePort()}` });
    assert.equal(unreachable.code, 1, unreachable.output);
    assert.match(theOneLine(unreachable), /^web: Asset store unusable, check S3_ENDPOINT:/);
  });

  it('a malformed ASSET_STORE stops the worker as an invalid environment', async () => {
    const ended = await runUntilExit('worker.ts', { ...base(), ASSET_STORE: '/srv/assets' });
    assert.equal(ended.code, 1, ended.output);
    assert.match(theOneLine(ended), /Invalid environment: ASSET_STORE must be unset .* "\/srv\/assets" is not/);
  });

  it('with the right settings the worker starts, stores a round\'s asset in the bucket, judges it from there, and the web server serves it', async () => {
    const [server, database, simulator] = await Promise.all([testServer(), testDatabase('postgres'), startSimulator({ port: 0 })]);
    const taskQueue = `store-startup-${randomUUID()}`;
    const worker = await startLoggedWorker({
      ...base(),
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      TEMPORAL_METRICS_PORT: String(await freePort()),
      DATABASE_URL: database.databaseUrl,
      SIM_URL: simulator.url,
      AWS_ACCESS_KEY_ID: S3_ACCESS_KEY,
    });
    try {
      simulator.setScenarios([{ match: 'copper kettle', scores: [86] }]);
      const input = sceneInput({ visualDirection: 'A copper kettle on a stove', currentProvider: 'kling' });
      const { client } = await testEnv();
      const result = await client.workflow.execute(regenerateSceneWorkflow, {
        taskQueue,
        workflowId: regenerationWorkflowId(input.scene.id),
        args: [input],
      });
      const attempt = result.attempts.find((candidate) => candidate.asset !== undefined);
      assert.ok(attempt?.asset, JSON.stringify(result.attempts));
      assert.equal(attempt.scoreAfter, 86, 'judged: the analysis read the object from the bucket');
      // In the bucket under the prefix, and nowhere on the worker's disk.
      const store = s3.store(path.join(dataDir, 'reader'), 'assets');
      assert.equal(await store.has(attempt.asset.key), true);
      assert.deepEqual(
        (await listFiles(dataDir)).filter((file) => file.includes(attempt.asset!.sha256)),
        [],
        'no copy of the asset stays on the worker',
      );
      // A web server with a disk of its own serves it.
      const web = buildWebServer({ db: database.db, temporal: client, taskQueue, assets: store, reviewers: [{ reviewer: 'r', token: 'token-0123456789' }] });
      try {
        const served = await web.inject({ url: new URL(attempt.asset.url).pathname });
        assert.equal(served.statusCode, 200);
        assert.equal(served.rawPayload.length, attempt.asset.sizeBytes);
      } finally {
        await web.close();
      }
    } finally {
      await new Promise<void>((resolve) => {
        worker.child.once('exit', () => resolve());
        worker.child.kill('SIGTERM');
      });
      await simulator.stop();
    }
  });
});
