import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startSimulator, type Simulator } from '../../src/sim/server';
import { freePort } from '../../src/temporal/dev-server';
import { regenerateSceneWorkflow } from '../../workflows';
import { testDatabase } from '../db/test-databases';
import { sceneInput } from '../helpers/scenes';
import { testEnv, testServer } from '../helpers/temporal';
import { ROOT } from './compose-file';
import { startNpmScript, type NpmProcess } from './npm-process';

/** What the image runs (Dockerfile): the build's output under node, no ts-node, no webpack at start. */
describe('the production build (npm run build, npm run worker:prod, npm start)', function () {
  this.timeout(300_000);
  const processes: NpmProcess[] = [];
  let simulator: Simulator;
  let dataDir: string;
  let env: Record<string, string>;

  before(async () => {
    await promisify(execFile)('npm', ['run', '--silent', 'build'], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
    simulator = await startSimulator({ port: 0 });
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'build-ops-'));
    const [server, database] = await Promise.all([testServer(), testDatabase('postgres')]);
    env = {
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_TASK_QUEUE: `build-${randomUUID()}`,
      DATABASE_URL: database.databaseUrl!,
      DATA_DIR: dataDir,
      SIM_URL: simulator.url,
      REVIEW_API_TOKEN: 'build-test-token',
    };
  });

  after(async () => {
    for (const process of processes) process.killAll();
    await simulator?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('writes the compiled entry points, the workflow bundle and the review page', async () => {
    for (const file of ['dist/worker.js', 'dist/src/web/main.js', 'dist/workflow-bundle.js', 'src/ui/dist/index.html']) {
      assert.ok(existsSync(path.join(ROOT, file)), file);
    }
    // Compiled code takes the prebuilt bundle rather than bundling at start.
    const compiled = (await import(path.join(ROOT, 'dist/src/worker/workflow-bundle.js'))) as typeof import('../../src/worker/workflow-bundle');
    assert.deepEqual(await compiled.loadWorkflowBundle(), { codePath: path.join(ROOT, 'dist/workflow-bundle.js') });
  });

  it('the compiled worker runs a round with the prebuilt workflow bundle', async () => {
    const worker = await startNpmScript(
      'worker:prod',
      { ...env, METRICS_PORT: String(await freePort()), TEMPORAL_METRICS_PORT: String(await freePort()) },
      '"worker started"',
    );
    processes.push(worker);
    assert.doesNotMatch(worker.child.spawnargs.join(' '), /ts-node/);
    simulator.setScenarios([{ match: 'paper boats', scores: [84] }]);
    const input = sceneInput({ visualDirection: 'Paper boats on a rainy street', currentProvider: 'kling' });
    const { client } = await testEnv();
    const result = await client.workflow.execute(regenerateSceneWorkflow, {
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      workflowId: `regenerate-scene-${input.scene.id}`,
      args: [input],
    });
    assert.equal(result.outcome, 'passed', worker.output());
  });

  it('the compiled web server answers its health check and serves the review page', async () => {
    const port = await freePort();
    const web = await startNpmScript('start', { ...env, HOST: '127.0.0.1', PORT: String(port) }, 'Server listening at');
    processes.push(web);
    assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);
    const page = await fetch(`http://127.0.0.1:${port}/`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<script[^>]+src="\/ui\/assets\//);
  });
});
