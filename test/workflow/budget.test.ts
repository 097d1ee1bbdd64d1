import assert from 'node:assert/strict';
import { userDecisionSignal } from '../../workflows/messages';
import { fakeActivities } from '../helpers/fake-activities';
import { sceneInput } from '../helpers/scenes';
import { testEnv } from '../helpers/temporal';
import { waitForStatus, waitUntil, withWorker } from '../helpers/workflow-runner';
import { workflowBundle } from '../helpers/workflow-bundle';

/**
 * The fake's attempts each cost $0.51 (a $0.50 generation, a $0.01 judgment). The budget rule
 * expects kling 5 s at $0.62, runway at $1.02 and hailuo at $0.62 (workflows/rules/budget.ts:
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
      // The project's spending is read before every attempt, the stopped one included.
      assert.equal(calls.projectSpendReads.length, 3);
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
      assert.deepEqual(calls.projectSpendReads.map((r) => r.projectId), [7, 7]);
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
});
