import assert from 'node:assert/strict';
import type { SceneActivities } from '../../activities';
import type { Db } from '../../src/db/database';
import { roundWrites } from '../db/round-writes';
import { emptyTables, testDatabase } from '../db/test-databases';
import { fakeActivities } from '../helpers/fake-activities';
import { sceneInput, uniqueSceneId } from '../helpers/scenes';
import { testEnv } from '../helpers/temporal';
import { workflowBundle } from '../helpers/workflow-bundle';
import { waitUntil, withWorker } from '../helpers/workflow-runner';

type StepName = 'openRound' | 'recordAttempt' | 'escalateToReview';

/**
 * The real database steps (activities/round-steps.ts on PostgreSQL) with one of them held at its
 * start until the test lets it go: a cancel arrives while that write is under way.
 */
function heldSteps(db: Db, held: StepName) {
  const steps = roundWrites(db).steps;
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const arrived = { count: 0 };
  const hold = <A extends unknown[], R>(fn: (...args: A) => Promise<R>) => async (...args: A): Promise<R> => {
    arrived.count += 1;
    await gate;
    return fn(...args);
  };
  return { steps: { ...steps, [held]: hold(steps[held] as (...args: unknown[]) => Promise<unknown>) }, release, arrived };
}

describe('a cancel never leaves half a write (SPEC.md "How a round ends": every hold and probe let go)', function () {
  this.timeout(120_000);
  let db: Db;
  before(async function () {
    this.timeout(240_000);
    await Promise.all([testEnv(), workflowBundle()]);
    db = (await testDatabase('postgres')).db;
  });
  beforeEach(() => emptyTables(db));

  async function cancelDuring(held: StepName, options: { budgetUsd?: number; probe?: boolean; scores: number[] }) {
    const projectId = uniqueSceneId();
    const input = sceneInput({ projectId }, { project: { id: projectId, name: 'Held', ...(options.budgetUsd ? { budgetUsd: options.budgetUsd } : {}) } });
    if (options.probe) {
      // Kling's breaker opened long ago: its cooldown is over, so attempt 1 takes the one probe.
      await db.kysely.insertInto('provider_health').values({ provider: 'kling', consecutive_fails: 3, opened_at: new Date(0) }).execute();
    }
    const fake = fakeActivities({ scores: options.scores });
    const { steps, release, arrived } = heldSteps(db, held);
    const activities: SceneActivities = { ...fake.activities, ...steps };
    return withWorker(activities, async ({ start }) => {
      const handle = await start(input);
      await waitUntil(() => arrived.count > 0, 60_000);
      await handle.cancel();
      await new Promise((resolve) => setTimeout(resolve, 500));
      release();
      const result = await handle.result();
      return { result, workflowId: handle.workflowId, sceneId: input.scene.id, projectId };
    });
  }

  const holds = (workflowId: string) => db.kysely.selectFrom('budget_reservations').selectAll().where('workflow_id', '=', workflowId).execute();
  const entries = (workflowId: string) => db.kysely.selectFrom('review_queue').select(['status']).where('workflow_id', '=', workflowId).execute();
  const scene = (id: number) => db.kysely.selectFrom('scenes').select(['status', 'needs_user_review']).where('id', '=', id).executeTakeFirstOrThrow();

  it('during the escalation: the entry it writes is closed as cancelled, the scene given back its status', async () => {
    const { result, workflowId, sceneId } = await cancelDuring('escalateToReview', { scores: [45, 48, 50] });
    assert.equal(result.outcome, 'cancelled');
    assert.deepEqual((await entries(workflowId)).map((e) => e.status), ['cancelled']);
    assert.deepEqual(await scene(sceneId), { status: 'analyzed', needs_user_review: false });
    assert.deepEqual(await holds(workflowId), []);
  });

  it('during the step that records attempt 1 and holds attempt 2\'s price: no hold outlives the round', async () => {
    const { result, workflowId } = await cancelDuring('recordAttempt', { budgetUsd: 50, scores: [45, 48, 50] });
    assert.equal(result.outcome, 'cancelled');
    assert.equal(result.attempts.length, 1, 'attempt 1 recorded once, nothing started after it');
    assert.deepEqual(await holds(workflowId), []);
    assert.deepEqual(await entries(workflowId), []);
  });

  it('during the step that hands attempt 1 the probe of a rested provider: the probe is given back', async () => {
    const { result, workflowId } = await cancelDuring('openRound', { probe: true, budgetUsd: 50, scores: [45] });
    assert.equal(result.outcome, 'cancelled');
    assert.equal(result.attempts.length, 0);
    const kling = await db.kysely.selectFrom('provider_health').select(['probe_key']).where('provider', '=', 'kling').executeTakeFirstOrThrow();
    assert.equal(kling.probe_key, null, 'another round may probe kling');
    assert.deepEqual(await holds(workflowId), []);
  });
});
