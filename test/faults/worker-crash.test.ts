import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { countRows, getScene } from '../../src/db/queries';
import { startSimulator, type Simulator } from '../../src/sim/server';
import { regenerateSceneWorkflow } from '../../workflows';
import { testDatabase } from '../db/test-databases';
import { sceneInput } from '../helpers/scenes';
import { testEnv, testServer } from '../helpers/temporal';
import { waitUntil } from '../helpers/workflow-runner';
import { killHard, startWorkerProcess } from '../helpers/worker-process';
import { regenerationWorkflowId } from '../../src/domain/workflow-ids';

describe('a worker killed with SIGKILL mid-round', function () {
  this.timeout(300_000);
  let simulator: Simulator;
  let dataDir: string;
  const workers: ChildProcess[] = [];

  before(async () => {
    simulator = await startSimulator({ port: 0 });
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'worker-crash-'));
  });
  after(async () => {
    for (const worker of workers) await killHard(worker);
    await simulator?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('resumes the same provider task after a restart: one submission, one row per attempt', async () => {
    const [server, database, env] = await Promise.all([testServer(), testDatabase('postgres'), testEnv()]);
    const taskQueue = `crash-${randomUUID()}`;
    const workerEnv = {
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      DATABASE_URL: database.databaseUrl,
      DATA_DIR: dataDir,
      SIM_URL: simulator.url,
      PORT: '3999',
    };
    simulator.setScenarios([{ match: 'slow harbor', latencyMs: 6_000, scores: [81] }]);

    workers.push(await startWorkerProcess(workerEnv));
    const input = sceneInput({ visualDirection: 'A slow harbor at dusk', currentProvider: 'kling' });
    const handle = await env.client.workflow.start(regenerateSceneWorkflow, {
      taskQueue,
      workflowId: regenerationWorkflowId(input.scene.id),
      args: [input],
    });

    // Killed while the provider is still rendering: submitted, polled, not yet done.
    await waitUntil(() => simulator.calls().providers.kling.polls >= 1, 60_000);
    assert.equal(simulator.calls().providers.kling.submissions, 1);
    await killHard(workers[0]);

    workers.push(await startWorkerProcess(workerEnv));
    const result = await handle.result();
    assert.equal(result.outcome, 'passed');
    assert.equal(result.attempts.length, 1);
    assert.equal(simulator.calls().providers.kling.submissions, 1, 'the restarted worker must not submit again');

    const scene = await getScene(database.db, input.scene.id);
    assert.equal(scene?.regenerationAttempts.length, 1);
    assert.equal(scene?.status, 'passed');
    assert.ok((await countRows(database.db, 'scenes')) >= 1);
  });
});
