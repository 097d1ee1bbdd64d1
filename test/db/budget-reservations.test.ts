import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { roundWrites } from './round-writes';
import type { ReserveBudgetRequest } from '../../src/domain/round-steps';
import type { RoundWrites } from './round-writes';
import { attempt, PROJECT_ID, sceneRequest, WORKFLOW_ID } from './fixtures';
import { describeEachDatabase, emptyTables, testDatabase } from './test-databases';

const HOUR_MS = 3_600_000;

describeEachDatabase('holding an attempt’s price against its project’s budget', ({ db }) => {
  let activities: RoundWrites;
  beforeEach(() => {
    activities = roundWrites(db());
  });

  const hold = (n: number, overrides: Partial<ReserveBudgetRequest> = {}): ReserveBudgetRequest => ({
    projectId: PROJECT_ID,
    workflowId: `${WORKFLOW_ID}-${n}`,
    round: 1,
    attemptNumber: 1,
    expectedUsd: 0.62,
    holdMs: HOUR_MS,
    ...overrides,
  });
  const withBudget = (budgetUsd: number) => activities.saveScene({ ...sceneRequest(), project: { id: PROJECT_ID, budgetUsd } });

  it('rounds asking at once get only what the budget holds: the holds of the others count', async () => {
    await withBudget(2);
    // Six rounds on as many connections: without the holds each would read $0 spent and start.
    const answers = await Promise.all(Array.from({ length: 6 }, (_, n) => activities.reserveProjectBudget(hold(n))));
    assert.equal(answers.filter((a) => a.granted).length, 3, JSON.stringify(answers));
    const refused = answers.find((a) => !a.granted)!;
    assert.equal(refused.heldUsd, 1.86);
    assert.match(refused.message ?? '', /spent \$0\.00 \(and attempts under way hold \$1\.86\) of its \$2\.00; the next attempt may cost \$0\.62/);
  });

  it('a recorded attempt counts by its cost, no longer by its hold', async () => {
    await withBudget(1.5);
    assert.equal((await activities.reserveProjectBudget(hold(1))).granted, true);
    assert.equal((await activities.reserveProjectBudget(hold(2))).granted, true);
    assert.equal((await activities.reserveProjectBudget(hold(3))).granted, false);
    await activities.recordAttempt({ workflowId: `${WORKFLOW_ID}-1`, runId: 'run-a', sceneId: sceneRequest().scene.id, projectId: PROJECT_ID, attempt: attempt(1, 1, 50, { costUsd: 0.21 }) });
    const after = await activities.reserveProjectBudget(hold(3));
    assert.deepEqual(after, { granted: true, spentUsd: 0.21, budgetUsd: 1.5, heldUsd: 0.62 });
  });

  it('a retried request finds its own hold and is granted again, holding nothing more', async () => {
    await withBudget(1);
    assert.equal((await activities.reserveProjectBudget(hold(1))).granted, true);
    const again = await activities.reserveProjectBudget(hold(1));
    assert.deepEqual(again, { granted: true, spentUsd: 0, budgetUsd: 1, heldUsd: 0 });
    assert.equal((await activities.reserveProjectBudget(hold(2, { expectedUsd: 0.5 }))).granted, false);
    assert.equal(await holdCount(), 1);
  });

  it('an expired hold (its run was terminated) no longer counts', async () => {
    await withBudget(1);
    assert.equal((await activities.reserveProjectBudget(hold(1, { holdMs: 1 }))).granted, true);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(await activities.reserveProjectBudget(hold(2)), { granted: true, spentUsd: 0, budgetUsd: 1, heldUsd: 0 });
    assert.equal(await holdCount(), 1);
  });

  it('a project without a budget, or unknown, holds nothing; another project’s holds do not count', async () => {
    await activities.saveScene(sceneRequest());
    assert.deepEqual(await activities.reserveProjectBudget(hold(1)), { granted: true, spentUsd: 0, heldUsd: 0 });
    assert.deepEqual(await activities.reserveProjectBudget(hold(2, { projectId: 999_999 })), { granted: true, spentUsd: 0, heldUsd: 0 });
    assert.equal(await holdCount(), 0);
    await withBudget(1);
    await activities.saveScene({ scene: { ...sceneRequest().scene, id: 4242, projectId: PROJECT_ID + 1 }, project: { id: PROJECT_ID + 1, budgetUsd: 1 } });
    assert.equal((await activities.reserveProjectBudget(hold(3, { projectId: PROJECT_ID + 1, expectedUsd: 0.9 }))).granted, true);
    assert.equal((await activities.reserveProjectBudget(hold(4, { expectedUsd: 0.9 }))).granted, true);
  });

  async function holdCount(): Promise<number> {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from budget_reservations`.execute(db().kysely);
    return rows[0]!.n;
  }
});

describe('a project budget under a race between workers (PostgreSQL, two connections)', () => {
  it('an attempt recorded while another reservation reads is counted once, as spent or as held, never nowhere', async function () {
    this.timeout(120_000);
    const { db } = await testDatabase('postgres');
    await emptyTables(db);
    const [one, two] = [roundWrites(db), roundWrites(db)];
    await one.saveScene({ ...sceneRequest(), project: { id: PROJECT_ID, budgetUsd: 1_000 } });
    const ROUNDS = 150;
    const undercounted: string[] = [];
    for (let n = 0; n < ROUNDS; n++) {
      const workflowId = `race-${n}`;
      const hold = { projectId: PROJECT_ID, workflowId, round: 1, attemptNumber: 1, expectedUsd: 1, holdMs: HOUR_MS };
      assert.equal((await one.reserveProjectBudget(hold)).granted, true);
      const before = await one.projectSpentUsd(PROJECT_ID);
      // The attempt is recorded (its hold ends, its $0.60 counts) on one connection while another
      // worker's attempt asks for its own hold on the other.
      const [, answer] = await Promise.all([
        one.recordAttempt({ workflowId, runId: 'run', sceneId: sceneRequest().scene.id, projectId: PROJECT_ID, attempt: attempt(1, 1, 50, { costUsd: 0.6 }) }),
        two.reserveProjectBudget({ ...hold, workflowId: `${workflowId}-other`, expectedUsd: 0.01 }),
      ]);
      const counted = Math.round((answer.spentUsd + answer.heldUsd - before) * 100) / 100;
      if (counted !== 0.6 && counted !== 1) undercounted.push(`round ${n}: the recorded attempt counted as $${counted}`);
      await db.kysely.deleteFrom('budget_reservations').execute();
    }
    assert.deepEqual(undercounted, []);
  });
});
