import assert from 'node:assert/strict';
import type { WorkflowHandle } from '@temporalio/client';
import type { Db } from '../../src/db/database';
import { getScene, listReviewQueuePage } from '../../src/db/queries';
import type { RegenerationResult, RegenerationState } from '../../src/domain/regeneration';
import { regenerationWorkflowId } from '../../src/domain/workflow-ids';
import type { SimCalls } from '../../src/sim/server';
import { regenerateSceneWorkflow } from '../../workflows';
import { runbook } from '../runbook/runbook-commands';
import { runInShell, runJson } from '../runbook/run-in-shell';
import { teapotImageRound, uniqueSceneId } from '../helpers/scenes';
import { waitForReviewEntry } from '../helpers/workflow-runner';
import { waitUntilAsync } from '../helpers/wait-async';
import type { ClusterStack } from './cluster-stack';

// Each round's visual direction carries its marker, so the simulator's scripted scores and its
// per-rule submission counts belong to that round. No score reaches 70: every round escalates.
const APPROVE = 'runbook approve';
const REJECT = 'runbook reject';
const RESET = 'runbook reset';
const CANCEL = 'runbook cancel';

/** The simulator's rules for the runbook's rounds (test/runbook/runbook.test.ts scripts the same). */
export const RUNBOOK_SCENARIOS = [
  { match: APPROVE, scores: [45, 50, 58] },
  { match: REJECT, scores: [45, 50, 52] },
  { match: RESET, scores: [45, 50, 52, 60, 62, 64, 55, 58, 61] },
  { match: CANCEL, scores: [45, 50, 52] },
];

interface ListedRun {
  execution: { workflowId: string; runId: string };
  status: string;
}

/**
 * The README runbook's `temporal` commands (test/runbook/runbook-commands.ts), each run as
 * printed through bash with the real CLI against the production server, on four image rounds
 * waiting for review. test/runbook/runbook.test.ts checks the same commands in more detail on
 * the dev server; here the point is that this server, on PostgreSQL and SQL visibility, takes
 * every one of them and the rounds and records follow.
 */
export async function checkRunbookOnCluster(cluster: ClusterStack, db: Db): Promise<void> {
  const { stack, client } = cluster;
  const address = stack.temporalAddress;
  const projectId = uniqueSceneId();
  const rounds = new Map<string, { sceneId: number; workflowId: string; handle: WorkflowHandle }>();
  for (const [sceneIndex, marker] of [APPROVE, REJECT, RESET, CANCEL].entries()) {
    const input = teapotImageRound(projectId, sceneIndex, marker, 'Runbook on the production server');
    const workflowId = regenerationWorkflowId(input.scene.id);
    const handle = await client.workflow.start(regenerateSceneWorkflow, { taskQueue: stack.taskQueue, workflowId, args: [input] });
    rounds.set(marker, { sceneId: input.scene.id, workflowId, handle });
  }
  await Promise.all([...rounds.values()].map(({ handle }) => waitForReviewEntry(handle, 180_000)));
  const round = (marker: string) => rounds.get(marker)!;
  const submissions = async (marker: string): Promise<number> => {
    const calls = (await (await fetch(`${stack.simulatorUrl}/_sim/calls`)).json()) as SimCalls;
    return calls.rules[marker]?.generations ?? 0;
  };
  const state = async (workflowId: string): Promise<RegenerationState> =>
    (await runJson<{ queryResult: RegenerationState[] }>(address, runbook.roundState(workflowId))).queryResult[0];
  const result = (workflowId: string) => runJson<{ status: string; result: RegenerationResult }>(address, runbook.result(workflowId));
  const resetPoints = async (workflowId: string): Promise<number[]> =>
    (await runInShell(address, runbook.resetPoints(workflowId)))
      .trim()
      .split('\n')
      .map((line) => Number(/--event-id (\d+)$/.exec(line)?.[1]));
  const newRunAwaitingReview = async (workflowId: string, oldRunId: string): Promise<void> => {
    const { runId } = await client.workflow.getHandle(workflowId).describe();
    assert.notEqual(runId, oldRunId, 'a reset starts a new run');
    await waitForReviewEntry(client.workflow.getHandle(workflowId, runId), 180_000);
  };
  const runIdOf = async (workflowId: string): Promise<string> => (await client.workflow.getHandle(workflowId).describe()).runId;

  // Find rounds waiting for a person: SQL visibility follows the search attribute shortly after.
  const ours = [...rounds.values()].map((r) => r.workflowId).sort();
  await waitUntilAsync(
    async () => {
      const listed = await runJson<ListedRun[]>(address, runbook.awaitingReview());
      return ours.every((id) => listed.some((run) => run.execution.workflowId === id));
    },
    60_000,
    'the awaiting_review list',
  );
  const table = await runInShell(address, runbook.awaitingReview());
  for (const id of ours) assert.ok(table.includes(id), `${id} in:\n${table}`);

  const shown = await state(round(APPROVE).workflowId);
  assert.equal(shown.status, 'awaiting_review');
  assert.deepEqual(shown.attempts.map((a) => [a.attemptNumber, a.provider, a.scoreAfter]), [
    [1, 'falai', 45],
    [2, 'flux', 50],
    [3, 'falai', 58],
  ]);

  // Approve attempt 2, reject another round.
  await runInShell(address, runbook.approve(round(APPROVE).workflowId, 2, 'ops'));
  const approved = await result(round(APPROVE).workflowId);
  assert.equal(approved.status, 'COMPLETED');
  assert.equal(approved.result.outcome, 'approved');
  assert.equal(approved.result.finalScore, 50);
  assert.equal((await getScene(db, round(APPROVE).sceneId))?.status, 'approved');
  await runInShell(address, runbook.reject(round(REJECT).workflowId, 'ops', 'off brand'));
  assert.equal((await result(round(REJECT).workflowId)).result.outcome, 'rejected');

  // Reset after attempt 1: attempts 2 and 3 are submitted again; then a restart submits all three.
  const reset = round(RESET);
  assert.equal(await submissions(RESET), 3);
  const firstRunId = await runIdOf(reset.workflowId);
  const points = await resetPoints(reset.workflowId);
  assert.equal(points.length, 3, `reset points: ${points.join(', ')}`);
  await runInShell(address, runbook.resetAfter(reset.workflowId, points[0], 'attempt 2 used the wrong brand profile'));
  await newRunAwaitingReview(reset.workflowId, firstRunId);
  assert.equal(await submissions(RESET), 5);
  assert.deepEqual((await state(reset.workflowId)).attempts.map((a) => a.scoreAfter), [45, 60, 62]);
  const secondRunId = await runIdOf(reset.workflowId);
  await runInShell(address, runbook.restartRound(reset.workflowId, 'provider outage spoiled the whole round'));
  await newRunAwaitingReview(reset.workflowId, secondRunId);
  assert.equal(await submissions(RESET), 8);
  // Every run of the workflow id, from SQL visibility: two terminated by the resets, one running.
  await waitUntilAsync(
    async () => {
      const runs = await runJson<ListedRun[]>(address, runbook.runs(reset.workflowId));
      return runs.map((r) => r.status).sort().join() === ['RUNNING', 'TERMINATED', 'TERMINATED'].map((s) => `WORKFLOW_EXECUTION_STATUS_${s}`).join();
    },
    60_000,
    'three runs of the reset round in workflow list',
  );

  // Take back the rejection: back to the last attempt without the signal, nothing generated again.
  const rejectedRunId = await runIdOf(round(REJECT).workflowId);
  const paid = await submissions(REJECT);
  const rejectPoints = await resetPoints(round(REJECT).workflowId);
  await runInShell(address, runbook.undoDecision(round(REJECT).workflowId, rejectPoints[rejectPoints.length - 1], 'rejected by mistake'));
  await newRunAwaitingReview(round(REJECT).workflowId, rejectedRunId);
  assert.equal(await submissions(REJECT), paid, 'no provider call');
  assert.equal((await state(round(REJECT).workflowId)).decision, undefined, 'the old decision was left out');
  await runInShell(address, runbook.approve(round(REJECT).workflowId, 1, 'ops'));
  assert.equal((await result(round(REJECT).workflowId)).result.outcome, 'approved');

  // Cancel: the round ends cancelled, its entry closes as cancelled, the scene gets its status back.
  const cancel = round(CANCEL);
  await runInShell(address, runbook.cancel(cancel.workflowId));
  const cancelled = await result(cancel.workflowId);
  assert.equal(cancelled.result.outcome, 'cancelled');
  assert.equal(cancelled.result.attempts.length, 3);
  const { items } = await listReviewQueuePage(db, { status: 'all', projectId });
  assert.deepEqual(items.filter((e) => e.sceneId === cancel.sceneId).map((e) => e.status), ['cancelled']);
  assert.equal((await getScene(db, cancel.sceneId))?.status, 'analyzed');

  // The reset round still waits: leave nothing running on the stack for the next case.
  await runInShell(address, runbook.approve(reset.workflowId, 1, 'ops'));
  assert.equal((await result(reset.workflowId)).result.outcome, 'approved');
}

