import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkflowNotFoundError, type WorkflowHandle } from '@temporalio/client';
import { Client as PgClient } from 'pg';
import type { Db } from '../../src/db/database';
import { getScene } from '../../src/db/queries';
import type { UserDecision } from '../../src/domain/regeneration';
import type { RegenerateSceneInput } from '../../src/domain/inputs';
import type { ScenarioRule } from '../../src/sim/server';
import { userDecisionSignal } from '../../workflows/messages';
import { startFaultStack, type FaultStack } from '../helpers/fault-stack';
import { historyEvents, scheduledCount, timerStartTimes, workflowTaskFailures } from '../helpers/history';
import { sceneInput } from '../helpers/scenes';
import { waitUntilAsync } from '../helpers/wait-async';
import { waitForReviewEntry, waitForStatus } from '../helpers/workflow-runner';

/**
 * Review decisions that arrive twice, early, together or against the review timeout, with the
 * real database activities: the review_queue row is the proof that exactly one decision took
 * effect, and the history that it was carried out once.
 */
describe('faults: review decisions out of order and duplicated (real activities, PostgreSQL)', function () {
  this.timeout(180_000);
  let faults: FaultStack;
  const rules: ScenarioRule[] = [];

  before(async function () {
    this.timeout(180_000);
    faults = await startFaultStack();
  });
  after(async function () {
    this.timeout(60_000);
    await faults?.stop();
  });

  /** An image scene (fast to make and judge) whose every analysis is scored by its own rule. */
  function round(name: string, scores: number[], extra: Partial<RegenerateSceneInput> = {}, latencyMs?: number) {
    const match = `signal case ${name} ${Date.now()}`;
    rules.push({ match, scores, ...(latencyMs ? { latencyMs } : {}) });
    faults.simulator.setScenarios(rules);
    const input = sceneInput(
      { visualDirection: `A bowl of soup, ${match}`, duration: 0, currentProvider: 'flux', contentType: 'food' },
      extra,
    );
    return faults.start(input);
  }

  async function queueRows(db: Db, workflowId: string) {
    return db.kysely
      .selectFrom('review_queue')
      .selectAll()
      .where('workflow_id', '=', workflowId)
      .orderBy('round')
      .execute();
  }

  async function assertNoWorkflowTaskFailed(handle: WorkflowHandle): Promise<void> {
    assert.deepEqual(workflowTaskFailures(await historyEvents(handle)), []);
  }

  it('two different approvals at once: one takes effect, and the queue row and the scene agree with it', async () => {
    // Attempt 1 scores 45 (not enough gain), 2 scores 60 (improved), 3 scores 62 (not enough gain).
    const handle = await round('two approvals', [45, 60, 62]);
    await waitForStatus(handle, 'awaiting_review', 60_000);
    const decisions: UserDecision[] = [
      { action: 'approve', attemptNumber: 1, reviewer: 'ana' },
      { action: 'approve', attemptNumber: 3, reviewer: 'bo' },
    ];
    await Promise.all(decisions.map((decision) => handle.signal(userDecisionSignal, decision)));
    const result = await handle.result();

    assert.equal(result.outcome, 'approved');
    const taken = result.review!.decision;
    assert.ok(['ana', 'bo'].includes(taken.reviewer), taken.reviewer);
    const expectedScore = taken.reviewer === 'ana' ? 45 : 62;
    assert.equal(result.finalScore, expectedScore);

    const rows = await queueRows(faults.db, handle.workflowId);
    assert.equal(rows.length, 1);
    assert.equal(rows[0].status, 'decided');
    assert.equal(rows[0].decided_by, taken.reviewer);
    assert.deepEqual(rows[0].decision, taken);
    const scene = await getScene(faults.db, sceneIdOf(handle));
    assert.equal(scene?.status, 'approved');
    assert.equal(scene?.qualityScore, expectedScore);

    const events = await historyEvents(handle);
    // One step closes the entry and writes the scene, once.
    assert.equal(scheduledCount(events, 'endRound'), 1);
    assert.deepEqual(workflowTaskFailures(events), []);
  });

  it('the same approval sent three times is carried out once', async () => {
    const handle = await round('duplicated approval', [45, 48, 50]);
    await waitForStatus(handle, 'awaiting_review', 60_000);
    const decision: UserDecision = { action: 'approve', attemptNumber: 0, reviewer: 'ana', note: 'keep the original' };
    await Promise.all([1, 2, 3].map(() => handle.signal(userDecisionSignal, decision)));
    const result = await handle.result();

    assert.equal(result.outcome, 'approved');
    // Attempt 0 is the scene's own asset from before the round (score 40 in sceneInput).
    assert.equal(result.finalScore, 40);
    const rows = await queueRows(faults.db, handle.workflowId);
    assert.equal(rows.length, 1);
    assert.deepEqual(rows[0].decision, decision);
    const events = await historyEvents(handle);
    assert.equal(scheduledCount(events, 'endRound'), 1);
    assert.deepEqual(workflowTaskFailures(events), []);
  });

  it('a decision before the escalation, and one naming a missing attempt, change nothing', async () => {
    // Each generation takes 700 ms, so the early decision lands while the round still runs.
    const handle = await round('early decision', [45, 48, 50], {}, 700);
    await waitForStatus(handle, 'regenerating');
    await handle.signal(userDecisionSignal, { action: 'approve', reviewer: 'early' });

    const waiting = await waitForReviewEntry(handle);
    assert.equal(waiting.attempts.length, 3);
    assert.equal(waiting.decision, undefined);
    await handle.signal(userDecisionSignal, { action: 'approve', attemptNumber: 9, reviewer: 'wrong-attempt' });
    // Give the workflow time to take (and ignore) that signal before looking.
    await sleep(1_000);
    const still = await waitForStatus(handle, 'awaiting_review');
    assert.equal(still.decision, undefined);
    const pending = await queueRows(faults.db, handle.workflowId);
    assert.equal(pending.length, 1);
    assert.equal(pending[0].status, 'pending');

    await handle.signal(userDecisionSignal, { action: 'reject', reviewer: 'late' });
    const result = await handle.result();
    assert.equal(result.outcome, 'rejected');
    assert.equal(result.review?.decision.reviewer, 'late');
    const rows = await queueRows(faults.db, handle.workflowId);
    assert.equal(rows[0].decided_by, 'late');
    assert.equal(scheduledCount(await historyEvents(handle), 'endRound'), 1);
    await assertNoWorkflowTaskFailed(handle);
  });

  it('a duplicate "regenerate" arriving while the first is being carried out starts no extra round', async () => {
    const handle = await round('duplicated regenerate', [30]);
    await waitForReviewEntry(handle);
    const [entry] = await queueRows(faults.db, handle.workflowId);

    // Hold the queue row so the step that closes it (round 2's openRound) blocks: the workflow
    // has taken the first decision and is carrying it out when the duplicate arrives, the window
    // a double click hits.
    const lock = new PgClient({ connectionString: faults.databaseUrl });
    await lock.connect();
    try {
      await lock.query('begin');
      await lock.query('select id from review_queue where id = $1 for update', [entry.id]);
      const decision: UserDecision = { action: 'regenerate', reviewer: 'ana' };
      await handle.signal(userDecisionSignal, decision);
      await waitForStatus(handle, 'regenerating', 20_000, (state) => state.round === 2 && state.decision !== undefined);
      await handle.signal(userDecisionSignal, decision);
      await waitUntilSignalTaken(handle, 2);
      await lock.query('commit');
    } finally {
      await lock.end();
    }

    const second = await waitForStatus(handle, 'awaiting_review', 60_000, (state) => state.round === 2);
    assert.equal(second.attempts.length, 6);
    // Long enough for a stale decision to be taken if one were left behind.
    await sleep(1_500);
    const still = await waitForStatus(handle, 'awaiting_review');
    assert.equal(still.round, 2, 'the duplicate decision must not decide the second round');
    const rows = await queueRows(faults.db, handle.workflowId);
    assert.deepEqual(
      rows.map((row) => [row.round, row.status, row.decided_by]),
      [
        [1, 'decided', 'ana'],
        [2, 'pending', null],
      ],
    );

    await handle.signal(userDecisionSignal, { action: 'reject', reviewer: 'bo' });
    const result = await handle.result();
    assert.equal(result.outcome, 'rejected');
    assert.equal(result.attempts.length, 6);
    const events = await historyEvents(handle);
    // Round 1's entry closed as round 2 opened; round 2's closed with the rejection.
    assert.equal(scheduledCount(events, 'openRound'), 2);
    assert.equal(scheduledCount(events, 'endRound'), 1);
    assert.deepEqual(workflowTaskFailures(events), []);
  });

  it('a decision racing the review timeout: exactly one of them takes effect', async () => {
    // Signal offsets around the moment the 4 s review timer fires. The first is early enough
    // that the server records the signal before the timer fires, so the reviewer must win; the
    // last ('after') is sent once the workflow has already taken the timeout, so it must lose;
    // the ones between land on the race itself, where either may win but only one.
    const offsets: (number | 'after')[] = [-2_500, -150, -50, 0, 50, 150, 'after'];
    const policy = { reviewTimeout: '4s', onReviewTimeout: 'reject' as const };
    const handles = await Promise.all(offsets.map((offset) => round(`race ${offset}`, [45, 48, 50], { policy })));

    const outcomes = await Promise.all(
      handles.map(async (handle, index) => {
        const offset = offsets[index];
        await waitForStatus(handle, 'awaiting_review', 90_000);
        if (offset === 'after') {
          await waitUntilAsync(async () => timeoutTaken(await historyEvents(handle)));
        } else {
          let timerStart: number | undefined;
          await waitUntilAsync(async () => {
            timerStart = timerStartTimes(await historyEvents(handle)).at(-1);
            return timerStart !== undefined;
          });
          await sleep(Math.max(0, timerStart! + 4_000 + offset - Date.now()));
        }
        try {
          await handle.signal(userDecisionSignal, { action: 'approve', reviewer: 'ana' });
        } catch (error) {
          // Signalled after the timeout already ended the round: that decision cannot take effect.
          if (!(error instanceof WorkflowNotFoundError)) throw error;
        }
        const result = await handle.result();
        const rows = await queueRows(faults.db, handle.workflowId);
        const events = await historyEvents(handle);
        return { offset, result, rows, events };
      }),
    );

    for (const { offset, result, rows, events } of outcomes) {
      const reviewer = result.review?.decision.reviewer;
      assert.ok(reviewer === 'ana' || reviewer === 'review-timeout', `offset ${offset}: ${reviewer}`);
      assert.equal(result.outcome, reviewer === 'ana' ? 'approved' : 'rejected', `offset ${offset}`);
      assert.equal(rows.length, 1);
      assert.equal(rows[0].status, 'decided');
      assert.equal(rows[0].decided_by, reviewer, `offset ${offset}: the queue row names the decision that took effect`);
      assert.equal(scheduledCount(events, 'endRound'), 1, `offset ${offset}`);
      assert.deepEqual(workflowTaskFailures(events), []);
    }
    assert.equal(outcomes[0].result.review?.decision.reviewer, 'ana', 'a decision well before the timeout wins');
    assert.equal(outcomes.at(-1)!.result.review?.decision.reviewer, 'review-timeout', 'a decision well after it loses');
    console.log(
      `      race winners by offset (ms): ${outcomes.map((o) => `${o.offset}→${o.result.review?.decision.reviewer}`).join(', ')}`,
    );
  });
});

function sceneIdOf(handle: WorkflowHandle): number {
  return Number(handle.workflowId.replace('regenerate-scene-', ''));
}

/** The review timer has fired and the workflow has finished the task that handled it. */
function timeoutTaken(events: Awaited<ReturnType<typeof historyEvents>>): boolean {
  const fired = events.findIndex((event) => event.timerFiredEventAttributes);
  return fired !== -1 && events.slice(fired).some((event) => event.workflowTaskCompletedEventAttributes);
}

/** Waits until the workflow has completed a workflow task after its n-th userDecision signal. */
async function waitUntilSignalTaken(handle: WorkflowHandle, signals: number): Promise<void> {
  await waitUntilAsync(async () => {
    const events = await historyEvents(handle);
    const signalIndexes = events.flatMap((event, index) =>
      event.workflowExecutionSignaledEventAttributes?.signalName === 'userDecision' ? [index] : [],
    );
    if (signalIndexes.length < signals) return false;
    const last = signalIndexes[signals - 1];
    return events.slice(last).some((event) => event.workflowTaskCompletedEventAttributes);
  });
}
