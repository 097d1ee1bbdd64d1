import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { sceneDeliveries } from '../../src/db/notification-outbox';
import { regenerationWorkflowId } from '../../src/domain/workflow-ids';
import { startSimulator, type Simulator } from '../../src/sim/server';
import { regenerateSceneWorkflow } from '../../workflows';
import { testDatabase } from '../db/test-databases';
import { sceneInput } from '../helpers/scenes';
import { testEnv, testServer } from '../helpers/temporal';
import { waitUntilAsync } from '../helpers/wait-async';
import { signatureIsValid, startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver';
import { killHard, startWorkerProcess } from '../helpers/worker-process';

describe('faults: a worker killed with SIGKILL mid-delivery', function () {
  this.timeout(300_000);
  const secret = `notify-${randomBytes(12).toString('hex')}`;
  let simulator: Simulator;
  let receiver: WebhookReceiver;
  let dataDir: string;
  const workers: ChildProcess[] = [];

  before(async () => {
    simulator = await startSimulator({ port: 0 });
    receiver = await startWebhookReceiver();
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'notify-crash-'));
  });
  after(async () => {
    for (const worker of workers) await killHard(worker);
    await receiver?.stop();
    await simulator?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('sends the same delivery again from another worker: the event is delivered, not lost', async () => {
    const [server, database, env] = await Promise.all([testServer(), testDatabase('postgres'), testEnv()]);
    const taskQueue = `notify-crash-${randomUUID()}`;
    const workerEnv = {
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      DATABASE_URL: database.databaseUrl,
      DATA_DIR: dataDir,
      SIM_URL: simulator.url,
      PORT: '3998',
      NOTIFY_WEBHOOK_URLS: `${receiver.url}/hook`,
      NOTIFY_WEBHOOK_SECRET: secret,
    };
    // The first request is taken and never answered: the worker dies waiting for it.
    receiver.answerWith((_delivery, earlier) => (earlier === 0 ? 'hang' : 200));
    simulator.setScenarios([{ match: 'kill mid-delivery', scores: [81] }]);

    workers.push(await startWorkerProcess(workerEnv));
    const input = sceneInput({ visualDirection: 'A teapot, kill mid-delivery', duration: 0, currentProvider: 'flux', contentType: 'food' });
    const handle = await env.client.workflow.start(regenerateSceneWorkflow, {
      taskQueue,
      workflowId: regenerationWorkflowId(input.scene.id),
      args: [input],
    });
    assert.equal((await handle.result()).outcome, 'passed', 'the round ends whatever its event does');

    await waitUntilAsync(async () => receiver.received.length >= 1, 60_000, 'the first request');
    await killHard(workers[0]);
    const killedAt = Date.now();
    workers.push(await startWorkerProcess(workerEnv));

    await waitUntilAsync(async () => receiver.received.length >= 2, 90_000, 'the request sent again');
    await sleep(2_000);
    const [first, again, ...more] = receiver.received;
    assert.deepEqual(more, [], 'once taken, not sent a third time');
    assert.ok(again.receivedAt > killedAt);
    assert.equal(again.deliveryId, first.deliveryId, 'the same delivery id');
    assert.equal(again.rawBody, first.rawBody, 'the same body');
    assert.equal(first.body.type, 'round.ended');
    assert.ok(signatureIsValid(first, secret) && signatureIsValid(again, secret));

    await waitUntilAsync(async () => (await sceneDeliveries(database.db.kysely, input.scene.id))[0]?.status === 'delivered', 30_000, 'delivered');
    const [recorded] = await sceneDeliveries(database.db.kysely, input.scene.id);
    assert.equal(recorded.attempts, 2);
    assert.equal(recorded.lastAnswerStatus, 200);
  });
});
