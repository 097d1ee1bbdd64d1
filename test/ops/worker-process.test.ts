import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { startSimulator, type Simulator } from '../../src/sim/server';
import { freePort } from '../../src/temporal/dev-server';
import { regenerateSceneWorkflow } from '../../workflows';
import { testDatabase } from '../db/test-databases';
import { sceneInput } from '../helpers/scenes';
import { testEnv, testServer } from '../helpers/temporal';
import { waitUntil } from '../helpers/workflow-runner';
import { parseExposition } from './metric-values';
import { jsonLogMessages, startNpmScript, type NpmProcess } from './npm-process';
import { regenerationWorkflowId } from '../../src/domain/workflow-ids';

/** create-worker.ts's shutdownGraceTime: SIGTERM must end the process well within it. */
const SHUTDOWN_GRACE_MS = 30_000;

describe('the worker process (npm run worker)', function () {
  this.timeout(240_000);
  let simulator: Simulator;
  let dataDir: string;
  let worker: NpmProcess | undefined;
  let metricsPort: number;
  let handle: WorkflowHandle | undefined;
  const taskQueue = `ops-${randomUUID()}`;

  before(async () => {
    simulator = await startSimulator({ port: 0 });
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'worker-ops-'));
    const [server, database] = await Promise.all([testServer(), testDatabase('postgres')]);
    metricsPort = await freePort();
    worker = await startNpmScript('worker', {
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      DATABASE_URL: database.databaseUrl,
      DATA_DIR: dataDir,
      SIM_URL: simulator.url,
      METRICS_PORT: String(metricsPort),
      TEMPORAL_METRICS_PORT: String(await freePort()),
    }, '"worker started"');
  });

  after(async () => {
    await handle?.terminate('test over').catch(() => undefined);
    worker?.killAll();
    await simulator?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves the product’s metrics and Temporal’s worker metrics on METRICS_PORT', async () => {
    const url = `http://127.0.0.1:${metricsPort}/metrics`;
    let samples = new Map<string, number>();
    // Temporal's pollers report as soon as they start; give them a moment after "worker started".
    for (let tries = 0; tries < 20; tries += 1) {
      samples = parseExposition(await (await fetch(url)).text());
      if ([...samples.keys()].some((name) => name.startsWith('temporal_'))) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    assert.equal(samples.get('scene_regeneration_attempts_total{provider="kling",result="success"}'), 0);
    assert.ok(samples.has('scene_review_escalations_total'));
    const temporal = [...samples.keys()].filter((name) => name.startsWith('temporal_'));
    assert.ok(
      temporal.some((name) => name.startsWith('temporal_num_pollers{')),
      `Temporal's worker metrics are missing: ${temporal.join(', ')}`,
    );
  });

  it('on SIGTERM lets the running activity finish, exits 0 within the grace time, and logs JSON only', async () => {
    const env = await testEnv();
    const running = worker!;
    simulator.setScenarios([{ match: 'lantern parade', latencyMs: 3_000, scores: [82] }]);
    const input = sceneInput({ visualDirection: 'A lantern parade at night', currentProvider: 'kling' });
    handle = await env.client.workflow.start(regenerateSceneWorkflow, {
      taskQueue,
      workflowId: regenerationWorkflowId(input.scene.id),
      args: [input],
    });

    // The generation is looking at a render that needs 3 s more.
    await waitUntil(() => simulator.calls().providers.kling.polls >= 1, 60_000);
    const signalledAt = Date.now();
    running.child.kill('SIGTERM');
    const { code, signal } = await running.exited;
    const tookMs = Date.now() - signalledAt;

    assert.equal(signal, null, running.output());
    assert.equal(code, 0, running.output());
    assert.ok(tookMs < SHUTDOWN_GRACE_MS, `took ${tookMs} ms`);

    // Nothing was abandoned: every activity the worker started reached Temporal as completed or
    // failed (a look that found the render still running fails "not ready" and is retried).
    const history = await handle.fetchHistory();
    const events = history.events ?? [];
    const scheduled = events.find((event) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'generateAsset');
    assert.ok(scheduled, 'generateAsset was scheduled');
    const started = events.filter((event) => event.activityTaskStartedEventAttributes);
    const ended = new Set(
      events
        .map((event) => event.activityTaskCompletedEventAttributes?.scheduledEventId ?? event.activityTaskFailedEventAttributes?.scheduledEventId)
        .filter((id) => id !== undefined && id !== null)
        .map(String),
    );
    for (const event of started) {
      assert.ok(ended.has(String(event.activityTaskStartedEventAttributes!.scheduledEventId)), 'an activity left running at exit');
    }
    assert.equal(simulator.calls().providers.kling.submissions, 1);

    const messages = jsonLogMessages(running.stdoutLines());
    assert.ok(messages.some((msg) => msg.startsWith('shutting down')));
    assert.equal(messages.at(-1), 'worker stopped');
  });
});
