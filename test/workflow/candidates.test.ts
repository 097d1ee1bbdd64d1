import assert from 'node:assert/strict';
import type { ProviderName } from '../../src/domain/provider';
import { expectedAttemptUsd } from '../../src/rules/budget';
import { userDecisionSignal } from '../../workflows/messages';
import { fakeActivities } from '../helpers/fake-activities';
import { sceneInput } from '../helpers/scenes';
import { testEnv } from '../helpers/temporal';
import { waitForStatus, waitUntil, withWorker } from '../helpers/workflow-runner';
import { workflowBundle } from '../helpers/workflow-bundle';

/** A 5 s nature clip's expected price at each provider, as the budget rule holds it (3 judgments, one comparison). */
const price = (provider: ProviderName) => expectedAttemptUsd({ provider, kind: 'video', durationSeconds: 5, judgments: 3, comparisons: 1 });
const cents = (usd: number) => Math.round(usd * 100) / 100;

describe('regenerateSceneWorkflow: several candidates at once (SPEC.md "Repair and candidates")', function () {
  this.timeout(120_000);

  before(async function () {
    this.timeout(240_000);
    await Promise.all([testEnv(), workflowBundle()]);
  });

  it('a budget that allows only two of three: two start at once, and a cancel stops both, recorded with what they cost', async () => {
    // kling, runway, luma (the fallback order after the scene's kling); the project's room holds the first two only.
    const two = cents(price('kling') + price('runway'));
    const three = cents(two + price('luma'));
    const { activities, calls } = fakeActivities({ scores: [45], generationDelayMs: 60_000, project: { spentUsd: 0, budgetUsd: two + 0.1 } });
    await withWorker(activities, async ({ start }) => {
      const handle = await start(sceneInput({}, { policy: { candidates: 3 } }));
      await waitUntil(() => calls.checks.length >= 2, 20_000);
      assert.deepEqual(calls.submissions.map((s) => s.provider), ['kling', 'runway']);
      assert.deepEqual(calls.budgetReservations.map((r) => [r.request.expectedUsd, r.granted]), [[three, false], [two, true]]);
      const state = await waitForStatus(handle, 'regenerating');
      assert.equal(state.attempt, 1);
      await handle.cancel();
      const result = await handle.result();
      assert.equal(result.outcome, 'cancelled');
      // Both provider tasks were cancelled, each under its own key.
      assert.deepEqual(new Set(calls.cancelledTasks.map((t) => t.taskId)), new Set(['task-0', 'task-1']));
      assert.equal(calls.recordedAttempts.length, 1);
      const { attempt } = calls.recordedAttempts[0];
      assert.equal(attempt.candidatesWhy, 'budget');
      assert.deepEqual(attempt.candidates?.map((c) => [c.candidate, c.provider, c.kept, c.failure?.type]), [
        [1, 'kling', false, 'cancelled'],
        [2, 'runway', false, 'cancelled'],
      ]);
      assert.equal(attempt.failure?.type, 'cancelled');
    });
  });

  it('a deadline that leaves time for one attempt only: as many candidates as the round budget holds, recorded as why', async () => {
    // kling's generation may take 15 minutes: 20 minutes left is less than two attempts. The
    // round's budget holds kling, runway and luma but not hailuo as well.
    const deadline = new Date(Date.now() + 20 * 60_000).toISOString();
    const three = cents(price('kling') + price('runway') + price('luma'));
    const { activities, calls } = fakeActivities({ scores: [90] });
    await withWorker(activities, async ({ start }) => {
      const handle = await start(sceneInput({}, { policy: { deadline, maxCostUsd: three + 0.1 } }));
      const result = await handle.result();
      assert.equal(result.outcome, 'passed');
      assert.deepEqual(calls.submissions.map((s) => s.provider), ['kling', 'runway', 'luma']);
      assert.equal(result.attempts[0].candidatesWhy, 'deadline');
      assert.deepEqual(calls.budgetReservations.map((r) => r.request.expectedUsd), [three]);
    });
  });

  it('a deadline far off keeps one candidate', async () => {
    const deadline = new Date(Date.now() + 3 * 3_600_000).toISOString();
    const { activities, calls } = fakeActivities({ scores: [90] });
    await withWorker(activities, async ({ start }) => {
      const result = await (await start(sceneInput({}, { policy: { deadline } }))).result();
      assert.equal(result.outcome, 'passed');
      assert.equal(calls.submissions.length, 1);
      assert.equal(result.attempts[0].candidates, undefined);
    });
  });

  it('keeps the best of three and records every candidate with its cost; the attempt costs them all', async () => {
    // Judgments in the order the candidates finish: 50, 80, 60 (far from the bar, one judgment each).
    const { activities, calls } = fakeActivities({ scores: [50, 80, 60] });
    await withWorker(activities, async ({ start }) => {
      const handle = await start(sceneInput({}, { policy: { candidates: 3 } }));
      const result = await handle.result();
      assert.equal(result.outcome, 'passed');
      assert.equal(calls.submissions.length, 3);
      assert.equal(new Set(calls.submissions.map((s) => s.idempotencyKey)).size, 3);
      const [attempt] = result.attempts;
      assert.equal(attempt.scoreAfter, 80);
      const kept = attempt.candidates!.filter((c) => c.kept);
      assert.equal(kept.length, 1);
      assert.equal(kept[0].scoreAfter, 80);
      assert.equal(kept[0].keptReason, 'highest_score');
      assert.equal(attempt.provider, kept[0].provider);
      assert.equal(attempt.assetUrl, kept[0].assetUrl);
      assert.deepEqual(attempt.candidates!.map((c) => c.costUsd), [0.51, 0.51, 0.51]);
      assert.equal(attempt.costUsd, 1.53);
      assert.equal(attempt.candidatesWhy, 'policy');
      // Each candidate told its own provider's breaker how it went.
      assert.deepEqual(calls.providerOutcomes.map((o) => [o.provider, o.outcome]).sort(), [['kling', 'success'], ['luma', 'success'], ['runway', 'success']]);
    });
  });

  it('the top two within the band are compared pairwise; a reviewer may approve the candidate not kept', async () => {
    // Both near each other and under the bar; one attempt only, so the round escalates after it.
    const { activities, calls } = fakeActivities({ scores: [60, 62] });
    await withWorker(activities, async ({ start }) => {
      const handle = await start(sceneInput({}, { policy: { candidates: 2, maxAttempts: 1, judgmentsNearBar: 1 } }));
      const state = await waitForStatus(handle, 'awaiting_review');
      await waitUntil(() => calls.escalations.length === 1);
      assert.equal(calls.comparisons.length, 1);
      const [attempt] = state.attempts;
      const kept = attempt.candidates!.find((c) => c.kept)!;
      const other = attempt.candidates!.find((c) => !c.kept)!;
      assert.equal(kept.keptReason, 'pairwise');
      assert.equal(kept.scoreAfter, 62);
      // A candidate that does not exist changes nothing; the one not kept can be approved.
      await handle.signal(userDecisionSignal, { action: 'approve', attemptNumber: 1, candidate: 3, reviewer: 'ana' });
      await handle.signal(userDecisionSignal, { action: 'approve', attemptNumber: 1, candidate: other.candidate, reviewer: 'ana' });
      const result = await handle.result();
      assert.equal(result.outcome, 'approved');
      assert.equal(result.newAssetUrl, other.assetUrl);
      assert.equal(result.finalScore, 60);
      assert.deepEqual(result.review?.decision, { action: 'approve', attemptNumber: 1, candidate: other.candidate, reviewer: 'ana' });
    });
  });
});
