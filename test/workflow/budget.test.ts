import assert from 'node:assert/strict';
import { createRoundStepActivities } from '../../activities/round-steps';
import { createSceneRecordActivities } from '../../activities/scene-records';
import { createDatabaseRoundStore } from '../../src/db/round-store';
import { DEFAULT_BREAKER } from '../../src/rules/provider-health';
import { userDecisionSignal } from '../../workflows/messages';
import { sceneRequest } from '../db/fixtures';
import { emptyTables, testDatabase } from '../db/test-databases';
import { fakeActivities } from '../helpers/fake-activities';
import { waitUntilAsync } from '../helpers/wait-async';
import { sceneInput, uniqueSceneId } from '../helpers/scenes';
import { testEnv } from '../helpers/temporal';
import { waitForStatus, waitUntil, withWorker } from '../helpers/workflow-runner';
import { workflowBundle } from '../helpers/workflow-bundle';

/**
 * The fake's attempts each cost $0.51 (a $0.50 generation, a $0.01 judgment). The budget rule
 * expects kling 5 s at $0.62, runway at $1.02 and hailuo at $0.62 (src/rules/budget.ts:
 * the generation, three judgments and a pairwise comparison's four judgments' worth).
 */
describe('regenerateSceneWorkflow: budgets', function () {
  this.timeout(120_000);

  before(async function () {
    this.timeout(240_000);
    await Promise.all([testEnv(), workflowBundle()]);
  });

  it('a round budget that allows two attempts escalates with budget_exhausted before the third', async () => {
    // Before attempt 2: $0.51 + $1.02 = $1.53 fits; before attempt 3: $1.02 + $0.62 = $1.64 does not.
    const maxCostUsd = 1.6;
    const { activities, calls } = fakeActivities({ scores: [45, 48, 50] });
    await withWorker(activities, async ({ start }) => {
      const handle = await start(sceneInput({}, { policy: { maxCostUsd } }));
      const state = await waitForStatus(handle, 'awaiting_review');
      await waitUntil(() => calls.escalations.length === 1);
      assert.equal(state.attempts.length, 2);
      assert.equal(calls.submissions.length, 2);
      assert.equal(calls.escalations[0].reason, 'budget_exhausted');
      assert.equal(calls.escalations[0].attempts.length, 2);
      const spent = calls.recordedAttempts.reduce((sum, r) => sum + (r.attempt.costUsd ?? 0), 0);
      assert.ok(spent <= maxCostUsd, `spent ${spent}`);
      // The project's budget is asked only when the round's own allows the attempt.
      assert.deepEqual(calls.budgetReservations.map((r) => [r.request.attemptNumber, r.granted]), [[1, true], [2, true]]);
      await handle.signal(userDecisionSignal, { action: 'reject', reviewer: 'ana' });
      await handle.result();
    });
  });

  it("a project's budget stops a round: the second attempt would take it past", async () => {
    // Attempt 1: $5.00 + $0.62 fits $5.70; attempt 2: $5.51 + $1.02 does not.
    const { activities, calls } = fakeActivities({ scores: [45, 48, 50], project: { spentUsd: 5, budgetUsd: 5.7 } });
    await withWorker(activities, async ({ start }) => {
      const handle = await start(sceneInput());
      const state = await waitForStatus(handle, 'awaiting_review');
      await waitUntil(() => calls.escalations.length === 1);
      assert.equal(state.attempts.length, 1);
      assert.equal(calls.escalations[0].reason, 'budget_exhausted');
      assert.deepEqual(calls.budgetReservations.map((r) => [r.request.projectId, r.request.expectedUsd, r.granted]), [[7, 0.62, true], [7, 1.02, false]]);
      await handle.signal(userDecisionSignal, { action: 'approve', reviewer: 'ana' });
      const result = await handle.result();
      assert.equal(result.outcome, 'approved');
    });
  });

  it('a project already past its budget starts no attempt at all', async () => {
    const { activities, calls } = fakeActivities({ scores: [45], project: { spentUsd: 3, budgetUsd: 3 } });
    await withWorker(activities, async ({ start }) => {
      const handle = await start(sceneInput());
      await waitForStatus(handle, 'awaiting_review');
      await waitUntil(() => calls.escalations.length === 1);
      assert.equal(calls.submissions.length, 0);
      assert.equal(calls.escalations[0].reason, 'budget_exhausted');
      // The provider health check's pick was given back, not counted against the provider.
      assert.deepEqual(calls.providerOutcomes.map((o) => o.outcome), ['neutral']);
      await handle.signal(userDecisionSignal, { action: 'reject', reviewer: 'ana' });
      await handle.result();
    });
  });

  it("rounds of one project running at once, with PostgreSQL's holds: together they start no more than its budget", async () => {
    // $1.00 fits one attempt's expected $0.62 but not two. Each round alone would read $0 spent
    // and start; the first hold makes the second round stop, and after the first attempt's $0.51
    // is recorded its round's runway attempt ($1.02 expected) does not fit either.
    const database = await testDatabase('postgres');
    await emptyTables(database.db);
    const projectId = uniqueSceneId();
    const scenes = [uniqueSceneId(), uniqueSceneId()];
    const dbActivities = {
      ...createRoundStepActivities({ store: createDatabaseRoundStore(database.db, DEFAULT_BREAKER), keyProblem: () => undefined }),
      ...createSceneRecordActivities(database.db),
    };
    for (const id of scenes) await dbActivities.saveScene({ ...sceneRequest({ id, projectId }), project: { id: projectId, name: 'Budgeted', budgetUsd: 1 } });
    const { activities, calls } = fakeActivities({ scores: [45], generationDelayMs: 1_500 });
    await withWorker({ ...activities, ...dbActivities }, async ({ start }) => {
      const handles = await Promise.all(scenes.map((id) => start(sceneInput({ id, projectId }))));
      await Promise.all(handles.map((handle) => waitForStatus(handle, 'awaiting_review')));
      assert.equal(calls.submissions.length, 1);
      // The status turns before the escalation's entry is written.
      const queued = () => database.db.kysely.selectFrom('review_queue').select(['scene_id', 'reason']).where('project_id', '=', projectId).execute();
      await waitUntilAsync(async () => (await queued()).length === 2, 20_000, 'both escalations written');
      const entries = await queued();
      assert.deepEqual(entries.map((e) => e.reason), ['budget_exhausted', 'budget_exhausted']);
      const { spent } = await database.db.kysely
        .selectFrom('regeneration_attempts')
        .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('cost_usd'), eb.lit(0)).as('spent'))
        .where('project_id', '=', projectId)
        .executeTakeFirstOrThrow();
      assert.ok(Number(spent) <= 1, `spent ${spent}`);
      for (const handle of handles) await handle.signal(userDecisionSignal, { action: 'reject', reviewer: 'ana' });
      await Promise.all(handles.map((handle) => handle.result()));
    });
  });
});
