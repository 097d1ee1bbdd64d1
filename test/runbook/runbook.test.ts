import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { getScene, listReviewQueuePage } from '../../src/db/queries';
import type { RegenerationResult, RegenerationState } from '../../src/domain/regeneration';
import { startStack, type Stack } from '../../src/stack/start-stack';
import { regenerateSceneWorkflow } from '../../workflows';
import { testDatabase } from '../db/test-databases';
import { teapotImageRound, uniqueSceneId } from '../helpers/scenes';
import { testServer } from '../helpers/temporal';
import { waitForReviewEntry } from '../helpers/workflow-runner';
import { eventually } from '../web/web-harness';
import { runbook } from './runbook-commands';
import { BEGIN_MARKER, END_MARKER, runbookSection } from './runbook-section';
import { runInShell, runJson } from './run-in-shell';
import { regenerationWorkflowId } from '../../src/domain/workflow-ids';

/*
 * The README's runbook, tried: every command runs as printed, through bash and the real CLI,
 * against rounds run by the real activities on the simulator, so provider submissions are
 * counted where they would be paid. The cases run in order and share the three rounds.
 */

// Each round's visual direction carries its own marker: the simulator's scripted scores and its
// per-rule submission counts then belong to that round alone. No score reaches 70: every round
// escalates, also after a reset.
const APPROVE = 'runbook approve';
const REJECT = 'runbook reject';
const RESET = 'runbook reset';
const CANCEL = 'runbook cancel';

interface ListedRun {
  execution: { workflowId: string; runId: string };
  status: string;
}

describe('the operator runbook, run with the real temporal CLI', function () {
  this.timeout(120_000);
  const projectId = uniqueSceneId();
  let stack: Stack;
  let address: string;
  let dataDir: string;
  const rounds = new Map<string, { sceneId: number; workflowId: string; handle: WorkflowHandle }>();

  before(async function () {
    this.timeout(240_000);
    const [server, database] = await Promise.all([testServer(), testDatabase('postgres')]);
    address = server.address;
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'runbook-'));
    stack = await startStack({
      env: { ...process.env, DATABASE_URL: database.databaseUrl },
      dataDir,
      temporalAddress: server.address,
      simulator: 'always',
      webPort: 0,
      taskQueue: `runbook-${randomUUID()}`,
      // The reconciler runs on its own; often here so the test need not wait 30 s for it.
      reconcileEveryMs: 500,
    });
    stack.simulator!.setScenarios([
      // Attempt 2 fails (50 is not 10 better than 45) but has an asset: approving it by number
      // is then visibly not the same as approving the best (attempt 3, 58).
      { match: APPROVE, scores: [45, 50, 58] },
      { match: REJECT, scores: [45, 50, 52] },
      { match: RESET, scores: [45, 50, 52, 60, 62, 64, 55, 58, 61] },
      { match: CANCEL, scores: [45, 50, 52] },
    ]);
    await Promise.all(
      [APPROVE, REJECT, RESET, CANCEL].map(async (marker, sceneIndex) => {
        const input = teapotImageRound(projectId, sceneIndex, marker, 'Runbook');
        const workflowId = regenerationWorkflowId(input.scene.id);
        const handle = await stack.client.workflow.start(regenerateSceneWorkflow, {
          taskQueue: stack.config.temporal.taskQueue,
          workflowId,
          args: [input],
        });
        rounds.set(marker, { sceneId: input.scene.id, workflowId, handle });
      }),
    );
    await Promise.all([...rounds.values()].map(({ handle }) => waitForReviewEntry(handle, 120_000)));
  });

  after(async function () {
    this.timeout(60_000);
    // The shared server outlives this file: leave no round of ours waiting on it.
    for (const { handle } of rounds.values()) {
      const { status } = await handle.describe();
      if (status.name === 'RUNNING') await handle.terminate('runbook test done');
    }
    await stack?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });


  const round = (marker: string) => rounds.get(marker)!;
  const submissions = (marker: string): number => stack.simulator!.calls().rules[marker]?.generations ?? 0;

  async function state(workflowId: string): Promise<RegenerationState> {
    const { queryResult } = await runJson<{ queryResult: RegenerationState[] }>(address, runbook.roundState(workflowId));
    return queryResult[0];
  }

  async function result(workflowId: string): Promise<{ status: string; result: RegenerationResult }> {
    return runJson(address, runbook.result(workflowId));
  }

  /** The run a reset made, once it is waiting for a person again. */
  async function newRunAwaitingReview(workflowId: string, oldRunId: string): Promise<WorkflowHandle> {
    const { runId } = await stack.client.workflow.getHandle(workflowId).describe();
    assert.notEqual(runId, oldRunId, 'a reset starts a new run');
    const handle = stack.client.workflow.getHandle(workflowId, runId);
    await waitForReviewEntry(handle);
    return handle;
  }

  /** The reset points the jq filter prints: round, attempt and event id per recorded attempt. */
  async function resetPoints(workflowId: string): Promise<{ round: number; attempt: number; eventId: number }[]> {
    const text = await runInShell(address, runbook.resetPoints(workflowId));
    return text
      .trim()
      .split('\n')
      .map((line) => {
        const match = /^round (\d+) attempt (\d+) \(.*\): --event-id (\d+)$/.exec(line);
        assert.ok(match, `reset point line: ${line}`);
        return { round: Number(match[1]), attempt: Number(match[2]), eventId: Number(match[3]) };
      });
  }

  it('finds the rounds awaiting review with a RegenStatus query', async () => {
    const ours = [...rounds.values()].map((r) => r.workflowId).sort();
    // Visibility follows the search attribute a moment after the workflow sets it.
    let listed: string[] = [];
    for (let tries = 0; tries < 50; tries++) {
      const runs = await runJson<ListedRun[]>(address, runbook.awaitingReview());
      listed = runs.map((r) => r.execution.workflowId).filter((id) => ours.includes(id)).sort();
      if (listed.length === ours.length) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.deepEqual(listed, ours);
    // The printed command itself, as a person sees it: a table naming the rounds.
    const table = await runInShell(address, runbook.awaitingReview());
    for (const id of ours) assert.ok(table.includes(id), `${id} in:\n${table}`);
  });

  it("shows a round's attempts with the getRegenerationState query", async () => {
    const shown = await state(round(APPROVE).workflowId);
    assert.equal(shown.status, 'awaiting_review');
    assert.equal(shown.sceneId, round(APPROVE).sceneId);
    assert.deepEqual(
      shown.attempts.map((a) => [a.attemptNumber, a.provider, a.result, a.scoreAfter]),
      [
        [1, 'falai', 'improved', 45],
        [2, 'flux', 'failed', 50],
        [3, 'falai', 'improved', 58],
      ],
    );
    for (const attempt of shown.attempts) assert.match(attempt.assetUrl ?? '', /^http:\/\/127\.0\.0\.1:\d+\/assets\//);
    assert.equal(shown.bestAttemptNumber, 3);
    const text = await runInShell(address, runbook.roundState(round(APPROVE).workflowId));
    assert.match(text, /"status":"awaiting_review"/);
  });

  it('approves attempt 2 by signal: the result and the scene record take attempt 2', async () => {
    const { workflowId, sceneId } = round(APPROVE);
    const attempt2 = (await state(workflowId)).attempts[1];
    await runInShell(address, runbook.approve(workflowId, 2, 'ops'));

    const done = await result(workflowId);
    assert.equal(done.status, 'COMPLETED');
    assert.equal(done.result.outcome, 'approved');
    assert.equal(done.result.finalScore, 50);
    assert.equal(done.result.newAssetUrl, attempt2.assetUrl);
    assert.deepEqual(done.result.review?.decision, { action: 'approve', attemptNumber: 2, reviewer: 'ops' });

    const scene = await getScene(stack.db, sceneId);
    assert.equal(scene?.status, 'approved');
    assert.equal(scene?.assetUrl, attempt2.assetUrl);
    assert.equal(scene?.qualityScore, 50);
    assert.equal(scene?.needsUserReview, false);
    const [entry] = await queueEntries(sceneId);
    assert.equal(entry.status, 'decided');
    assert.equal(entry.decidedBy, 'ops');
  });

  it('rejects another round by signal: no generated asset, status rejected', async () => {
    const { workflowId, sceneId } = round(REJECT);
    await runInShell(address, runbook.reject(workflowId, 'ops', 'off brand'));

    const done = await result(workflowId);
    assert.equal(done.result.outcome, 'rejected');
    assert.equal(done.result.success, false);
    assert.equal(done.result.newAssetUrl, undefined);
    const scene = await getScene(stack.db, sceneId);
    assert.equal(scene?.status, 'rejected');
    assert.equal(scene?.assetUrl, undefined);
    assert.equal(scene?.needsUserReview, false);
    const [entry] = await queueEntries(sceneId);
    assert.deepEqual(entry.decision, { action: 'reject', reviewer: 'ops', note: 'off brand' });
  });

  it('resets after attempt 1: attempt 1 is kept, attempts 2 and 3 are submitted and paid again', async () => {
    const { workflowId, sceneId } = round(RESET);
    const before = await state(workflowId);
    const oldRunId = (await stack.client.workflow.getHandle(workflowId).describe()).runId;
    assert.equal(submissions(RESET), 3);

    const points = await resetPoints(workflowId);
    assert.deepEqual(points.map((p) => [p.round, p.attempt]), [[1, 1], [1, 2], [1, 3]]);
    await runInShell(address, runbook.resetAfter(workflowId, points[0].eventId, 'attempt 2 used the wrong brand profile'));
    await newRunAwaitingReview(workflowId, oldRunId);
    const after = await state(workflowId);

    // The new run's generation keys hold its run id: two new submissions, none for attempt 1.
    assert.equal(submissions(RESET), 5);
    assert.deepEqual(after.attempts[0], before.attempts[0], 'attempt 1 comes from the copied history');
    for (const n of [1, 2]) {
      assert.notEqual(after.attempts[n].providerTaskId, before.attempts[n].providerTaskId, `attempt ${n + 1} is a new provider task`);
      assert.notEqual(after.attempts[n].timestamp, before.attempts[n].timestamp);
    }
    assert.deepEqual(after.attempts.map((a) => a.scoreAfter), [45, 60, 62]);

    const runs = await runJson<ListedRun[]>(address, runbook.runs(workflowId));
    assert.deepEqual(runs.map((r) => r.status).sort(), ['WORKFLOW_EXECUTION_STATUS_RUNNING', 'WORKFLOW_EXECUTION_STATUS_TERMINATED']);
    assert.ok(runs.some((r) => r.execution.runId === oldRunId));

    // The database keys hold the run id: the new run's rows sit beside the old run's.
    const scene = await getScene(stack.db, sceneId);
    const attemptsByRun = scene!.regenerationAttempts.map((a) => [a.runId === oldRunId ? 'old' : 'new', a.attemptNumber]);
    assert.deepEqual(attemptsByRun, [['old', 1], ['old', 2], ['old', 3], ['new', 2], ['new', 3]]);
    // The reconciler closes the old run's entry on its own: no entry outlives its run.
    const entries = await eventually(
      () => queueEntries(sceneId),
      (list) => list.some((e) => e.runId === oldRunId && e.status === 'superseded'),
    );
    assert.deepEqual(entries.map((e) => [e.runId === oldRunId ? 'old' : 'new', e.status]).sort(), [['new', 'pending'], ['old', 'superseded']]);
    assert.equal((await getScene(stack.db, sceneId))?.status, 'awaiting_review');

    // The old run's entry can no longer be decided from the review page: its run is gone.
    const stale = entries.find((e) => e.runId === oldRunId)!;
    const response = await fetch(`${stack.webUrl}/api/review-queue/${stale.id}/decision`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'approve' }),
    });
    assert.equal(response.status, 409);
  });

  it('restarts a round from its first workflow task: all three attempts are paid again', async () => {
    const { workflowId } = round(RESET);
    const oldRunId = (await stack.client.workflow.getHandle(workflowId).describe()).runId;
    await runInShell(address, runbook.restartRound(workflowId, 'provider outage spoiled the whole round'));
    await newRunAwaitingReview(workflowId, oldRunId);
    assert.equal(submissions(RESET), 8);
    assert.deepEqual((await state(workflowId)).attempts.map((a) => a.scoreAfter), [64, 55, 58]);
  });

  it('a reset inside the review wait keeps waiting on the same queue entry, which a decision closes', async () => {
    const { workflowId, sceneId } = round(RESET);
    const waitingRunId = (await stack.client.workflow.getHandle(workflowId).describe()).runId;
    const paid = submissions(RESET);
    const pendingBefore = (await queueEntries(sceneId)).filter((e) => e.status === 'pending' && e.runId === waitingRunId);
    assert.equal(pendingBefore.length, 1);

    await runInShell(address, {
      temporal: ['workflow', 'reset', '--workflow-id', workflowId, '--type', 'LastWorkflowTask', '--reason', 'worker fix deployed'],
    });
    const newRun = await newRunAwaitingReview(workflowId, waitingRunId);
    assert.equal(submissions(RESET), paid, 'nothing after the escalation is generated again');
    // The new run waits on the old run's entry: the reconciler moves the entry to it, so the
    // review page's decision reaches the run that waits.
    const moved = await eventually(
      async () => (await queueEntries(sceneId)).find((e) => e.id === pendingBefore[0].id)!,
      (e) => e.runId !== waitingRunId,
    );
    assert.equal(moved.status, 'pending');
    assert.equal(moved.runId, (await newRun.describe()).runId);

    await runInShell(address, runbook.approve(workflowId, 1, 'ops'));
    const done = await result(workflowId);
    assert.equal(done.result.outcome, 'approved');
    const entry = (await queueEntries(sceneId)).find((e) => e.id === pendingBefore[0].id);
    assert.equal(entry?.status, 'decided', "the new run closed the entry its copied history escalated");
    assert.equal(entry?.decidedBy, 'ops');
  });

  it('takes back a decision: reset to the last attempt without the signal, nothing generated again', async () => {
    const { workflowId, sceneId } = round(REJECT);
    const rejectedRunId = (await stack.client.workflow.getHandle(workflowId).describe()).runId;
    const before = await state(workflowId);
    const paid = submissions(REJECT);

    const points = await resetPoints(workflowId);
    await runInShell(address, runbook.undoDecision(workflowId, points[points.length - 1].eventId, 'rejected by mistake'));
    await newRunAwaitingReview(workflowId, rejectedRunId);

    assert.equal(submissions(REJECT), paid, 'no provider call');
    const again = await state(workflowId);
    assert.equal(again.decision, undefined, 'the old decision was left out');
    assert.deepEqual(again.attempts, before.attempts);
    // The reconciler opens an entry for the new run, which waits on the one the old run closed.
    const entries = await eventually(
      () => queueEntries(sceneId),
      (list) => list.some((e) => e.runId !== rejectedRunId && e.status === 'pending'),
    );
    assert.deepEqual(entries.map((e) => [e.runId === rejectedRunId ? 'old' : 'new', e.status]).sort(), [['new', 'pending'], ['old', 'decided']]);
    const scene = await getScene(stack.db, sceneId);
    assert.equal(scene?.status, 'awaiting_review');
    assert.equal(scene?.needsUserReview, true);

    // Now the decision that was meant, from the review page: it reaches the new run, which closes the new entry.
    const reopened = entries.find((e) => e.runId !== rejectedRunId)!;
    const response = await fetch(`${stack.webUrl}/api/review-queue/${reopened.id}/decision`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'approve', attemptNumber: 1 }),
    });
    assert.equal(response.status, 202, await response.text());
    const done = await result(workflowId);
    assert.equal(done.result.outcome, 'approved');
    assert.equal((await getScene(stack.db, sceneId))?.assetUrl, before.attempts[0].assetUrl);
    const closed = await queueEntries(sceneId);
    assert.deepEqual(closed.map((e) => [e.runId === rejectedRunId ? 'old' : 'new', e.status, e.decision?.action]).sort(), [
      ['new', 'decided', 'approve'],
      ['old', 'decided', 'reject'],
    ]);
  });

  it('cancels a round awaiting review: entry cancelled, scene back to analyzed, outcome cancelled', async () => {
    const { workflowId, sceneId } = round(CANCEL);
    const [pending] = await queueEntries(sceneId);
    assert.equal(pending?.status, 'pending');
    await runInShell(address, runbook.cancel(workflowId));
    const done = await result(workflowId);
    assert.equal(done.result.outcome, 'cancelled');
    assert.equal(done.result.attempts.length, 3);
    const [entry] = await queueEntries(sceneId);
    assert.equal(entry.status, 'cancelled');
    const scene = await getScene(stack.db, sceneId);
    assert.equal(scene?.status, 'analyzed');
    assert.equal(scene?.needsUserReview, false);
    assert.equal(scene?.qualityScore, 30);
  });

  it('the README prints exactly these commands', () => {
    const readme = readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');
    const begin = readme.indexOf(BEGIN_MARKER);
    const end = readme.indexOf(END_MARKER);
    assert.ok(begin >= 0 && end > begin, 'README.md has the runbook section: paste `npx ts-node test/runbook/print-runbook.ts`');
    assert.equal(readme.slice(begin, end + END_MARKER.length) + '\n', runbookSection());
  });

  async function queueEntries(sceneId: number) {
    const { items } = await listReviewQueuePage(stack.db, { status: 'all', projectId });
    return items.filter((e) => e.sceneId === sceneId);
  }
});
