import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { RegenerateSceneInput } from '../../src/domain/inputs';
import { regenerationWorkflowId } from '../../src/domain/workflow-ids';
import { deploymentOptions } from '../../src/worker/create-worker';
import { userDecisionSignal } from '../../workflows/messages';
import { changedBuild } from '../helpers/changed-build';
import { fakeActivities } from '../helpers/fake-activities';
import { historyEvents, workflowTaskFailures } from '../helpers/history';
import { sceneInput } from '../helpers/scenes';
import { testEnv } from '../helpers/temporal';
import { waitUntilAsync } from '../helpers/wait-async';
import { waitForStatus } from '../helpers/workflow-runner';
import { workflowBundle } from '../helpers/workflow-bundle';

const ESCALATION = '    const { entryId } = await CancellationScope.nonCancellable(() =>\n      escalateToReview';

/**
 * A second build: the sources as they are with one change to what a round does before it
 * escalates (a one-millisecond durable timer), made as the README's policy says (behind
 * `patched`) or, to show why, without it.
 */
function secondBuild(guarded: boolean) {
  const change = guarded ? "    if (patched('pause-before-escalation')) await sleep(1);\n" : '    await sleep(1);\n';
  return changedBuild([
    { file: 'workflows/round-record.ts', from: ESCALATION, to: change + ESCALATION },
    { file: 'workflows/round-record.ts', from: 'import { CancellationScope,', to: 'import { patched, sleep, CancellationScope,' },
  ]);
}

describe('shipping a change to workflow code (README: Worker Deployment Versioning, auto-upgrade, patched)', function () {
  this.timeout(300_000);

  before(async function () {
    this.timeout(240_000);
    await Promise.all([testEnv(), workflowBundle()]);
  });

  it('rounds waiting for review on build A finish on build B, new rounds start on B, and an unguarded change would not replay', async () => {
    const env = await testEnv();
    const { client } = env;
    const deployment = `scene-regeneration-${randomUUID().slice(0, 8)}`;
    const taskQueue = `versioning-${randomUUID()}`;
    // 45 against the scene's 40: every attempt fails, so every round escalates and waits.
    const { activities } = fakeActivities({ scores: [45] });
    const workerOf = async (buildId: string, bundle: WorkflowBundleWithSourceMap) =>
      Worker.create({
        connection: env.nativeConnection,
        taskQueue,
        workflowBundle: bundle,
        activities,
        workerDeploymentOptions: deploymentOptions({ name: deployment, buildId }),
      });
    const start = (input: RegenerateSceneInput) =>
      client.workflow.start('regenerateSceneWorkflow', { taskQueue, workflowId: regenerationWorkflowId(input.scene.id), args: [input] });

    // Build A: the code as it is. Two rounds escalate and wait for a reviewer.
    const workerA = await workerOf('A', await workflowBundle());
    const runningA = workerA.run();
    await makeCurrent(client, deployment, 'A');
    const waiting = [await start(sceneInput()), await start(sceneInput())];
    for (const handle of waiting) await waitForStatus(handle, 'awaiting_review', 60_000);
    for (const handle of waiting) assert.equal(await buildOf(handle), 'A');

    // Build B: the change behind `patched`. It becomes current and build A's workers stop.
    const workerB = await workerOf('B', await secondBuild(true));
    const runningB = workerB.run();
    await makeCurrent(client, deployment, 'B');
    workerA.shutdown();
    await runningA;

    // A new round starts on B and takes the new branch: a marker and the timer before escalating.
    const fresh = await start(sceneInput());
    await waitForStatus(fresh, 'awaiting_review', 60_000);
    const freshEvents = await historyEvents(fresh);
    assert.ok(freshEvents.some((e) => e.markerRecordedEventAttributes), 'the patch marker is in the new round');
    assert.ok(freshEvents.some((e) => e.timerStartedEventAttributes), 'the new round ran the changed code');
    assert.equal(await buildOf(fresh), 'B');

    // The waiting rounds take their decision on B: they replay A's history without the change.
    await waiting[0].signal(userDecisionSignal, { action: 'approve', reviewer: 'ana' });
    await fresh.signal(userDecisionSignal, { action: 'reject', reviewer: 'ana' });
    assert.equal((await waiting[0].result()).outcome, 'approved');
    assert.equal((await fresh.result()).outcome, 'rejected');
    assert.equal(await buildOf(waiting[0]), 'B', 'the waiting round finished on the build deployed since');
    const waitedEvents = await historyEvents(waiting[0]);
    assert.deepEqual(workflowTaskFailures(waitedEvents), [], 'no nondeterminism on replay');
    assert.ok(!waitedEvents.some((e) => e.markerRecordedEventAttributes), 'the old round kept its old path');

    // Build C: the same change without `patched`. The other waiting round cannot replay on it.
    const workerC = await workerOf('C', await secondBuild(false));
    const runningC = workerC.run();
    await makeCurrent(client, deployment, 'C');
    workerB.shutdown();
    await runningB;
    await waiting[1].signal(userDecisionSignal, { action: 'approve', reviewer: 'ana' });
    await waitUntilAsync(async () => workflowTaskFailures(await historyEvents(waiting[1])).length > 0, 60_000, 'a workflow task failure');
    const [failure] = workflowTaskFailures(await historyEvents(waiting[1]));
    assert.match(failure, /[Nn]ondeterminism|TMPRL1100/);
    await waiting[1].terminate('shown: an unguarded change does not replay');
    workerC.shutdown();
    await runningC;
  });
});

/** Makes `buildId` the deployment's Current Version, once its worker has polled and registered it. */
async function makeCurrent(client: Client, deploymentName: string, buildId: string): Promise<void> {
  await waitUntilAsync(
    async () => {
      try {
        await client.workflowService.setWorkerDeploymentCurrentVersion({ namespace: client.options.namespace, deploymentName, buildId, identity: 'test' });
        return true;
      } catch {
        return false;
      }
    },
    30_000,
    `version ${buildId} registered`,
  );
}

/** The build the run's latest workflow task ran on. */
async function buildOf(handle: WorkflowHandle): Promise<string | undefined> {
  const described = await handle.describe();
  return described.raw.workflowExecutionInfo?.versioningInfo?.deploymentVersion?.buildId ?? undefined;
}
