import assert from 'node:assert/strict';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { getRegenerationStateQuery, userDecisionSignal } from '../../workflows/messages';
import { fakeActivities, refused, unavailable, unusable } from '../helpers/fake-activities';
import { sceneInput } from '../helpers/scenes';
import { waitForStatus, waitUntil, withWorker } from '../helpers/workflow-runner';
import { testEnv } from '../helpers/temporal';
import { workflowBundle } from '../helpers/workflow-bundle';

describe('regenerateSceneWorkflow on a real Temporal server', function () {
  this.timeout(120_000);

  before(async function () {
    this.timeout(240_000);
    await Promise.all([testEnv(), workflowBundle()]);
  });

  describe('the checklist of SPEC.md', () => {
    it('makes at most 3 attempts, then escalates to the review queue', async () => {
      const { activities, calls } = fakeActivities({ scores: [45, 48, 50] });
      await withWorker(activities, async ({ start }) => {
        const handle = await start(sceneInput());
        const state = await waitForStatus(handle, 'awaiting_review');
        assert.equal(state.attempts.length, 3);
        assert.equal(calls.submissions.length, 3);
        await waitUntil(() => calls.escalations.length === 1);
        const entry = calls.escalations[0];
        assert.equal(entry.reason, 'auto_regeneration_failed');
        assert.equal(entry.sceneIndex, 2);
        assert.equal(entry.projectId, 7);
        assert.equal(entry.attempts.length, 3);
        await handle.signal(userDecisionSignal, { action: 'reject', reviewer: 'ana' });
        await handle.result();
      });
    });

    it('improves prompts from the specific issues found', async () => {
      // Attempt 1 improves (55 ≥ 40 + 10), so attempt 2 is built from attempt 1's analysis.
      const { activities, calls } = fakeActivities({
        scores: [55, 48, 50],
        issues: [{ category: 'technical', severity: 'high', description: 'blurry' }],
      });
      await withWorker(activities, async ({ start }) => {
        const handle = await start(sceneInput());
        await waitForStatus(handle, 'awaiting_review');
        const [first, second, third] = calls.submissions.map((s) => s.prompt);
        // Attempt 1 fixes the scene's own issue (cold lighting); later ones the new analysis's.
        assert.match(first, /^A misty valley at sunrise\. warm golden natural lighting, soft shadows\. Avoid: /);
        assert.match(second, /high resolution, sharp focus, professional quality, simple composition, single clear subject/);
        assert.match(third, /minimalist, clean, professional photography style\. Avoid: /);
        await handle.signal(userDecisionSignal, { action: 'reject', reviewer: 'ana' });
        await handle.result();
      });
    });

    it('switches provider on attempt 2 and uses the best provider for the content type on attempt 3', async () => {
      const { activities, calls } = fakeActivities({ scores: [45, 48, 50] });
      await withWorker(activities, async ({ start }) => {
        const handle = await start(sceneInput({ contentType: 'nature', currentProvider: 'kling' }));
        await waitForStatus(handle, 'awaiting_review');
        assert.deepEqual(
          calls.submissions.map((s) => s.provider),
          ['kling', 'runway', 'hailuo'],
        );
        assert.ok(calls.submissions.every((s) => s.kind === 'video' && s.durationSeconds === 5));
        await handle.signal(userDecisionSignal, { action: 'reject', reviewer: 'ana' });
        await handle.result();
      });
    });

    it('analyses every new asset after its attempt', async () => {
      const { activities, calls } = fakeActivities({ scores: [45, 48, 50] });
      await withWorker(activities, async ({ start }) => {
        const handle = await start(sceneInput());
        const state = await waitForStatus(handle, 'awaiting_review');
        assert.equal(calls.analyses.length, 3);
        assert.deepEqual(
          calls.analyses.map((a) => a.asset.url),
          state.attempts.map((a) => a.assetUrl),
        );
        assert.deepEqual(
          calls.analyses.map((a) => a.prompt),
          calls.submissions.map((s) => s.prompt),
        );
        await handle.signal(userDecisionSignal, { action: 'reject', reviewer: 'ana' });
        await handle.result();
      });
    });

    it('ends the round as a success when a score reaches 70', async () => {
      const { activities, calls } = fakeActivities({ scores: [55, 70] });
      await withWorker(activities, async ({ start }) => {
        const handle = await start(sceneInput());
        const result = await handle.result();
        assert.equal(result.success, true);
        assert.equal(result.outcome, 'passed');
        assert.equal(result.finalScore, 70);
        assert.equal(result.attempts.length, 2);
        assert.deepEqual(result.attempts.map((a) => a.result), ['improved', 'success']);
        assert.equal(result.newAssetUrl, 'http://assets.test/assets/task-1.png');
        assert.equal(result.escalatedToUser, false);
        assert.equal(calls.escalations.length, 0);
        assert.equal(calls.outcomes.length, 1);
        assert.equal(calls.outcomes[0].outcome, 'passed');
        assert.equal(calls.outcomes[0].asset?.url, 'http://assets.test/assets/task-1.png');
        assert.equal(calls.outcomes[0].asset?.provider, 'runway');
      });
    });

    it('keeps the regeneration history: every attempt recorded once with its details', async () => {
      const { activities, calls } = fakeActivities({ scores: [52, 49, 75] });
      await withWorker(activities, async ({ start }) => {
        const handle = await start(sceneInput());
        const result = await handle.result();
        assert.equal(calls.recordedAttempts.length, 3);
        assert.deepEqual(
          calls.recordedAttempts.map((r) => r.attempt),
          result.attempts,
        );
        const [first, second, third] = result.attempts;
        assert.deepEqual([first.scoreBefore, first.scoreAfter, first.result], [40, 52, 'improved']);
        // Current moved to attempt 1, so attempt 2 is judged against 52.
        assert.deepEqual([second.scoreBefore, second.scoreAfter, second.result], [52, 49, 'failed']);
        assert.deepEqual([third.scoreBefore, third.scoreAfter, third.result], [52, 75, 'success']);
        assert.deepEqual(result.attempts.map((a) => a.judgments?.length), [1, 1, 3]);
        for (const attempt of result.attempts) {
          assert.equal(attempt.round, 1);
          assert.ok(!Number.isNaN(Date.parse(attempt.timestamp)));
          // The generation (0.50) and every judgment (0.01 each; 75 is near the bar, so judged 3 times).
          assert.equal(attempt.costUsd, Math.round((0.5 + 0.01 * attempt.judgments!.length) * 100) / 100);
          assert.ok(attempt.analysisResult);
          assert.ok(attempt.providerTaskId);
        }
      });
    });

    it('uses the minimum improvement: a gain below it leaves current as it was', async () => {
      const { activities, calls } = fakeActivities({ scores: [45, 58, 60] });
      await withWorker(activities, async ({ start }) => {
        const handle = await start(sceneInput());
        const state = await waitForStatus(handle, 'awaiting_review');
        assert.deepEqual(state.attempts.map((a) => a.result), ['failed', 'improved', 'failed']);
        assert.equal(state.currentScore, 58);
        // The best is another matter (SPEC.md "Judging and choosing"): the highest judged score,
        // 60, which the fake's comparison with 58 (within the band) also prefers.
        assert.equal(state.bestAttemptNumber, 3);
        await waitUntil(() => calls.escalations.length === 1);
        assert.equal(calls.escalations[0].bestScore, 60);
        await handle.signal(userDecisionSignal, { action: 'reject', reviewer: 'ana' });
        await handle.result();
      });
    });

    it('with the minimum improvement set to 0, any higher score improves', async () => {
      const { activities } = fakeActivities({ scores: [41, 42, 40] });
      await withWorker(activities, async ({ start }) => {
        const handle = await start(sceneInput({}, { policy: { scoreImprovementThreshold: 0 } }));
        const state = await waitForStatus(handle, 'awaiting_review');
        assert.deepEqual(state.attempts.map((a) => a.result), ['improved', 'improved', 'failed']);
        await handle.signal(userDecisionSignal, { action: 'reject', reviewer: 'ana' });
        await handle.result();
      });
    });

    it('with maxAttempts above 3, later attempts use the first provider of the list', async () => {
      const { activities, calls } = fakeActivities({ scores: [41, 42, 43, 44, 45] });
      await withWorker(activities, async ({ start }) => {
        const handle = await start(
          sceneInput({ currentProvider: 'luma', contentType: 'food' }, { policy: { maxAttempts: 5 } }),
        );
        const state = await waitForStatus(handle, 'awaiting_review');
        assert.equal(state.maxAttempts, 5);
        // food's best provider (flux) is not a video provider, so attempt 3 takes the first.
        assert.deepEqual(calls.submissions.map((s) => s.provider), ['luma', 'kling', 'kling', 'kling', 'kling']);
        await handle.signal(userDecisionSignal, { action: 'reject', reviewer: 'ana' });
        await handle.result();
      });
    });

    it('treats a scene with an image provider as an image scene', async () => {
      const { activities, calls } = fakeActivities({ scores: [80] });
      await withWorker(activities, async ({ start }) => {
        const handle = await start(sceneInput({ currentProvider: 'falai', duration: 5, contentType: 'food' }));
        await handle.result();
        assert.equal(calls.submissions[0].kind, 'image');
        assert.equal(calls.submissions[0].durationSeconds, 0);
      });
    });
  });

  describe('state and search attributes', () => {
    it('answers getRegenerationState during a round and keeps search attributes current', async () => {
      const { activities } = fakeActivities({ scores: [45, 48, 50], generationDelayMs: 700 });
      await withWorker(activities, async ({ start, client }) => {
        const input = sceneInput();
        const handle = await start(input);
        const during = await waitForStatus(handle, 'regenerating', 20_000, (s) => s.attempt > 0);
        assert.equal(during.sceneId, input.scene.id);
        assert.equal(during.round, 1);
        assert.ok(during.attempt >= 1 && during.attempt <= 3, `attempt in progress: ${during.attempt}`);
        const waiting = await waitForStatus(handle, 'awaiting_review');
        assert.equal(waiting.attempt, 0);
        assert.ok(waiting.awaitingReviewSince);

        const description = await handle.describe();
        const attrs = description.searchAttributes as Record<string, unknown[]>;
        assert.deepEqual(attrs.RegenStatus, ['awaiting_review']);
        assert.deepEqual(attrs.SceneId, [input.scene.id]);
        assert.deepEqual(attrs.ProjectId, [7]);
        assert.deepEqual(attrs.BestScore, [50]);

        // The Web UI and operators find it by RegenStatus.
        const found: string[] = [];
        const deadline = Date.now() + 15_000;
        while (!found.includes(handle.workflowId) && Date.now() < deadline) {
          found.length = 0;
          for await (const wf of client.workflow.list({ query: `RegenStatus = 'awaiting_review' AND SceneId = ${input.scene.id}` })) {
            found.push(wf.workflowId);
          }
          if (!found.includes(handle.workflowId)) await new Promise((r) => setTimeout(r, 250));
        }
        assert.deepEqual(found, [handle.workflowId]);

        await handle.signal(userDecisionSignal, { action: 'reject', reviewer: 'ana' });
        await handle.result();
        const after = (await handle.describe()).searchAttributes as Record<string, unknown[]>;
        assert.deepEqual(after.RegenStatus, ['rejected']);
        const final = await handle.query(getRegenerationStateQuery);
        assert.equal(final.status, 'rejected');
      });
    });

    it('refuses a second start for a scene whose round is running ("already started")', async () => {
      const { activities } = fakeActivities({ scores: [45] });
      await withWorker(activities, async ({ start }) => {
        const input = sceneInput();
        const handle = await start(input);
        await waitForStatus(handle, 'awaiting_review');
        await assert.rejects(start(input), (error: unknown) => {
          assert.ok(error instanceof WorkflowExecutionAlreadyStartedError);
          assert.match(error.message, /already started/i);
          return true;
        });
        await handle.signal(userDecisionSignal, { action: 'reject', reviewer: 'ana' });
        await handle.result();
      });
    });
  });

  describe('review decisions', () => {
    async function escalated(scores: number[], extra = {}) {
      const fake = fakeActivities({ scores });
      return { ...fake, input: sceneInput({}, extra) };
    }

    it('approve with no attempt keeps the current best', async () => {
      const { activities, calls, input } = await escalated([45, 58, 50]);
      await withWorker(activities, async ({ start }) => {
        const handle = await start(input);
        await waitForStatus(handle, 'awaiting_review');
        await handle.signal(userDecisionSignal, { action: 'approve', reviewer: 'ana', note: 'good enough' });
        const result = await handle.result();
        assert.equal(result.outcome, 'approved');
        assert.equal(result.success, true);
        assert.equal(result.escalatedToUser, true);
        assert.equal(result.finalScore, 58);
        assert.equal(result.newAssetUrl, 'http://assets.test/assets/task-1.png');
        assert.equal(result.review?.decision.reviewer, 'ana');
        assert.ok(result.review?.decidedAt);
        assert.equal(calls.closedEntries.length, 1);
        assert.equal(calls.closedEntries[0].decision.action, 'approve');
        const ending = calls.outcomes[0];
        assert.equal(ending.outcome, 'approved');
        // The scene row takes the asset with its own score, analysis and provider.
        assert.ok(ending.outcome === 'approved');
        assert.equal(ending.asset.url, 'http://assets.test/assets/task-1.png');
        assert.equal(ending.asset.score, 58);
        assert.equal(ending.asset.provider, 'runway');
      });
    });

    it('approve attempt N takes that attempt even when it was not the best', async () => {
      const { activities, calls, input } = await escalated([45, 58, 50]);
      await withWorker(activities, async ({ start }) => {
        const handle = await start(input);
        await waitForStatus(handle, 'awaiting_review');
        await handle.signal(userDecisionSignal, { action: 'approve', attemptNumber: 3, reviewer: 'ana' });
        const result = await handle.result();
        assert.equal(result.outcome, 'approved');
        assert.equal(result.finalScore, 50);
        assert.equal(result.newAssetUrl, 'http://assets.test/assets/task-2.png');
        const ending = calls.outcomes[0];
        assert.ok(ending.outcome === 'approved');
        assert.equal(ending.asset.score, 50);
        assert.equal(ending.asset.provider, 'hailuo');
      });
    });

    it('approve attempt 0 takes the scene asset from before the round', async () => {
      const { activities, input } = await escalated([45, 58, 50]);
      await withWorker(activities, async ({ start }) => {
        const handle = await start(input);
        await waitForStatus(handle, 'awaiting_review');
        await handle.signal(userDecisionSignal, { action: 'approve', attemptNumber: 0, reviewer: 'ana' });
        const result = await handle.result();
        assert.equal(result.finalScore, 40);
        assert.equal(result.newAssetUrl, 'http://assets.test/assets/original.mp4');
        assert.deepEqual(result.newAnalysis, input.scene.analysisResult);
      });
    });

    it('reject leaves the scene with no generated asset', async () => {
      const { activities, calls, input } = await escalated([45, 58, 50]);
      await withWorker(activities, async ({ start }) => {
        const handle = await start(input);
        await waitForStatus(handle, 'awaiting_review');
        await handle.signal(userDecisionSignal, { action: 'reject', reviewer: 'ana', note: 'off brand' });
        const result = await handle.result();
        assert.equal(result.outcome, 'rejected');
        assert.equal(result.success, false);
        assert.equal(result.newAssetUrl, undefined);
        assert.deepEqual(calls.outcomes.map((o) => o.outcome), ['rejected']);
        assert.ok(!('asset' in calls.outcomes[0]));
        assert.equal(calls.closedEntries[0].decision.action, 'reject');
      });
    });

    it('regenerate runs another round with the reviewer prompt and provider, and it can pass', async () => {
      const { activities, calls, input } = await escalated([45, 58, 50, 80]);
      await withWorker(activities, async ({ start }) => {
        const handle = await start(input);
        await waitForStatus(handle, 'awaiting_review');
        await handle.signal(userDecisionSignal, {
          action: 'regenerate',
          customPrompt: 'A golden valley at dawn, wide shot',
          provider: 'luma',
          reviewer: 'ana',
        });
        const result = await handle.result();
        assert.equal(result.outcome, 'passed');
        assert.equal(result.success, true);
        assert.equal(result.escalatedToUser, true);
        assert.equal(result.attempts.length, 4);
        const fourth = result.attempts[3];
        assert.equal(fourth.round, 2);
        assert.equal(fourth.attemptNumber, 1);
        assert.equal(fourth.provider, 'luma');
        assert.match(fourth.prompt, /^A golden valley at dawn, wide shot\. /);
        // The new round starts from the current best (58), not the original.
        assert.equal(fourth.scoreBefore, 58);
        // Round 1's entry, closed with the decision as round 2 opens.
        assert.equal(calls.closedEntries[0].entryId, 1);
        assert.equal(calls.closedEntries[0].round, 2);
        assert.equal(calls.closedEntries[0].decision.action, 'regenerate');
      });
    });

    it('regenerate can escalate again, with a new queue entry for the new round', async () => {
      const { activities, calls, input } = await escalated([45, 48, 50, 41, 42, 43]);
      await withWorker(activities, async ({ start }) => {
        const handle = await start(input);
        await waitForStatus(handle, 'awaiting_review');
        await handle.signal(userDecisionSignal, { action: 'regenerate', reviewer: 'ana' });
        await waitForStatus(handle, 'regenerating');
        const again = await waitForStatus(handle, 'awaiting_review');
        assert.equal(again.round, 2);
        assert.equal(again.attempts.length, 6);
        await waitUntil(() => calls.escalations.length === 2);
        assert.deepEqual(calls.escalations.map((e) => e.round), [1, 2]);
        assert.equal(calls.escalations[1].attempts.length, 3);
        // Approving attempt 1 now means round 2's attempt 1.
        await handle.signal(userDecisionSignal, { action: 'approve', attemptNumber: 1, reviewer: 'ana' });
        const result = await handle.result();
        assert.equal(result.finalScore, 41);
        assert.equal(result.newAssetUrl, 'http://assets.test/assets/task-3.png');
      });
    });

    it('ignores an invalid decision and keeps waiting', async () => {
      const { activities, calls, input } = await escalated([45, 48, 50]);
      await withWorker(activities, async ({ start }) => {
        const handle = await start(input);
        await waitForStatus(handle, 'awaiting_review');
        const invalid = [
          { action: 'approve' }, // no reviewer
          { action: 'launch', reviewer: 'ana' },
          { action: 'approve', attemptNumber: 9, reviewer: 'ana' },
          { action: 'regenerate', provider: 'dall-e', reviewer: 'ana' },
          'approve',
        ];
        for (const decision of invalid) {
          await handle.signal(userDecisionSignal, decision as never);
        }
        const state = await handle.query(getRegenerationStateQuery);
        assert.equal(state.status, 'awaiting_review');
        assert.equal(state.decision, undefined);
        assert.equal(calls.closedEntries.length, 0);
        await handle.signal(userDecisionSignal, { action: 'reject', reviewer: 'ana' });
        assert.equal((await handle.result()).outcome, 'rejected');
      });
    });

    it('ignores an approval of an attempt that produced no asset', async () => {
      const fake = fakeActivities({ scores: [45, 48], submitFailures: { 1: refused } });
      await withWorker(fake.activities, async ({ start }) => {
        const handle = await start(sceneInput());
        await waitForStatus(handle, 'awaiting_review');
        await handle.signal(userDecisionSignal, { action: 'approve', attemptNumber: 2, reviewer: 'ana' });
        await handle.signal(userDecisionSignal, { action: 'approve', attemptNumber: 3, reviewer: 'bo' });
        const result = await handle.result();
        assert.equal(result.review?.decision.reviewer, 'bo');
      });
    });

    it('ignores a decision sent before the round escalates', async () => {
      const { activities, calls } = fakeActivities({ scores: [45, 48, 50], generationDelayMs: 400 });
      await withWorker(activities, async ({ start }) => {
        const handle = await start(sceneInput());
        await waitForStatus(handle, 'regenerating');
        await handle.signal(userDecisionSignal, { action: 'approve', reviewer: 'early' });
        const waiting = await waitForStatus(handle, 'awaiting_review');
        assert.equal(waiting.attempts.length, 3);
        assert.equal(waiting.decision, undefined);
        await handle.signal(userDecisionSignal, { action: 'reject', reviewer: 'late' });
        const result = await handle.result();
        assert.equal(result.review?.decision.reviewer, 'late');
        assert.equal(calls.closedEntries.length, 1);
      });
    });

    it('carries out exactly one of two decisions sent together', async () => {
      const { activities, calls, input } = await escalated([45, 48, 50]);
      await withWorker(activities, async ({ start }) => {
        const handle = await start(input);
        await waitForStatus(handle, 'awaiting_review');
        await Promise.all([
          handle.signal(userDecisionSignal, { action: 'approve', reviewer: 'ana' }),
          handle.signal(userDecisionSignal, { action: 'reject', reviewer: 'bo' }),
        ]);
        const result = await handle.result();
        assert.equal(calls.closedEntries.length, 1);
        assert.equal(calls.outcomes.length, 1);
        assert.equal(result.review?.decision.reviewer, calls.closedEntries[0].decision.reviewer);
      });
    });

    const timeoutCases = [
      { onReviewTimeout: 'approve_best' as const, outcome: 'approved', success: true },
      { onReviewTimeout: 'reject' as const, outcome: 'rejected', success: false },
      { onReviewTimeout: undefined, outcome: 'review_timed_out', success: false },
    ];
    for (const { onReviewTimeout, outcome, success } of timeoutCases) {
      it(`review timeout with onReviewTimeout ${onReviewTimeout ?? 'unset'} ends as ${outcome}`, async () => {
        const { activities, calls, input } = await escalated([45, 58, 50], {
          policy: { reviewTimeout: '2s', onReviewTimeout },
        });
        await withWorker(activities, async ({ start }) => {
          const handle = await start(input);
          const result = await handle.result();
          assert.equal(result.outcome, outcome);
          assert.equal(result.success, success);
          assert.equal(result.escalatedToUser, true);
          assert.equal(calls.outcomes[0].outcome, outcome);
          if (onReviewTimeout) {
            assert.equal(result.review?.decision.reviewer, 'review-timeout');
            assert.equal(calls.closedEntries.length, 1);
            assert.equal(calls.endedEntries.length, 0);
          } else {
            assert.equal(result.review, undefined);
            // SPEC.md "How a round ends": no entry outlives its run; the scene stays flagged.
            assert.equal(calls.endedEntries.length, 1);
            assert.equal(calls.endedEntries[0].status, 'expired');
            assert.equal(calls.endedEntries[0].entryId, 1);
          }
          if (outcome === 'approved') assert.equal(result.finalScore, 58);
        });
      });
    }
  });

  describe('cancellation (SPEC.md "How a round ends")', () => {
    it('cancelled while generating: the attempt in flight is recorded with its cost, the scene restored, outcome cancelled', async () => {
      // Long enough that the cancel lands while attempt 2 renders, even on a loaded machine.
      const { activities, calls } = fakeActivities({ scores: [55, 48, 50], generationDelayMs: 4_000 });
      await withWorker(activities, async ({ start }) => {
        const handle = await start(sceneInput());
        await waitForStatus(handle, 'regenerating', 20_000, (s) => s.attempt === 2);
        // Attempt 2 counts from before its provider is chosen: cancel once its task exists.
        await waitUntil(() => calls.submissions.length === 2, 20_000);
        await handle.cancel();
        const result = await handle.result();
        assert.equal(result.outcome, 'cancelled');
        assert.equal(result.success, false);
        // The scene's own score, not attempt 1's: the round's improvement is given up with it.
        assert.equal(result.finalScore, 40);
        assert.deepEqual(result.attempts.map((a) => a.result), ['improved', 'failed']);
        assert.equal(result.attempts[1].failure?.type, 'cancelled');
        assert.equal(calls.recordedAttempts.length, 2);
        assert.equal(calls.recordedAttempts[1].attempt.failure?.type, 'cancelled');
        // The provider is told to stop the task the round no longer wants.
        assert.deepEqual(calls.cancelledTasks.map((t) => t.taskId), ['task-1']);
        assert.equal(calls.restoredScenes.length, 1);
        assert.equal(calls.endedEntries.length, 0);
        assert.deepEqual(calls.outcomes.map((o) => o.outcome), ['cancelled']);
        // The holds and probes the round took are let go with it.
        assert.equal(calls.releasedRounds.length, 1);
        const state = await handle.query(getRegenerationStateQuery);
        assert.equal(state.status, 'cancelled');
        assert.equal(state.currentScore, 40);
      });
    });

    it('cancelled while awaiting review: the entry is closed as cancelled and the scene restored', async () => {
      const { activities, calls } = fakeActivities({ scores: [45, 48, 50] });
      await withWorker(activities, async ({ start }) => {
        const handle = await start(sceneInput());
        await waitForStatus(handle, 'awaiting_review');
        await waitUntil(() => calls.escalations.length === 1);
        await handle.cancel();
        const result = await handle.result();
        assert.equal(result.outcome, 'cancelled');
        assert.equal(result.escalatedToUser, true);
        assert.equal(result.attempts.length, 3);
        assert.equal(calls.endedEntries.length, 1);
        assert.equal(calls.endedEntries[0].status, 'cancelled');
        assert.equal(calls.endedEntries[0].entryId, 1);
        assert.equal(calls.closedEntries.length, 0);
        assert.equal(calls.restoredScenes.length, 1);
        // A decision after the end reaches no one.
        await assert.rejects(handle.signal(userDecisionSignal, { action: 'approve', reviewer: 'ana' }));
      });
    });
  });

  describe('waiting on a provider holds nothing (short checks, deadlines)', () => {
    it('a running generation is looked at by one retried activity: no slot held, no history event between looks', async () => {
      const { activities, calls } = fakeActivities({ scores: [75], generationDelayMs: 3_000 });
      await withWorker(activities, async ({ start }) => {
        const handle = await start(sceneInput());
        const result = await handle.result();
        assert.equal(result.attempts[0].result, 'success');
        assert.ok(calls.checks.length >= 2, `looked ${calls.checks.length} times`);
        const events = (await handle.fetchHistory()).events!;
        const generations = events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'generateAsset');
        assert.equal(generations.length, 1, 'one scheduled generation, however many looks');
        assert.equal(events.filter((e) => e.timerStartedEventAttributes).length, 0, 'no timers: the server waits out the gaps');
        const scheduled = generations[0].activityTaskScheduledEventAttributes!;
        // Kling video: 30 minutes for a place, 15 to finish (src/rules/generation-wait.ts), 15 more to store.
        assert.equal(Number(scheduled.scheduleToCloseTimeout!.seconds), 60 * 60);
        assert.equal(Number(scheduled.retryPolicy!.maximumInterval!.seconds), 15);
        assert.equal(calls.cancelledTasks.length, 0);
      });
    });

    it('a generation past its deadline is cancelled at the provider and fails the attempt with reason timeout; the round goes on', async () => {
      const { activities, calls } = fakeActivities({ scores: [75], stuckGenerations: { 0: true } });
      await withWorker(activities, async ({ start }) => {
        const handle = await start(sceneInput({}, { policy: { generationTimeout: '4s' } }));
        const result = await handle.result();
        assert.equal(result.outcome, 'passed');
        const [first, second] = result.attempts;
        assert.equal(first.result, 'failed');
        assert.equal(first.failure?.type, 'timeout');
        assert.match(first.failure!.message, /kling did not finish task task-0 within 4 seconds/);
        assert.equal(first.providerTaskId, 'task-0');
        assert.equal(first.failedStep, 'generate');
        assert.equal(second.result, 'success');
        assert.equal(calls.recordedAttempts.length, 2);
        // A timeout is the provider's failure: its breaker counts it.
        assert.equal(calls.providerOutcomes[0].outcome, 'failure');
      });
    });

    it('a provider with no free place past the deadline fails the attempt with reason provider_busy; the next provider is tried', async () => {
      // generationTimeout 1s: the wait for a place ends after 2 s; kling has none for 5 s.
      const { activities, calls } = fakeActivities({ scores: [75], busySubmissions: { 0: 5_000 } });
      await withWorker(activities, async ({ start }) => {
        const handle = await start(sceneInput({}, { policy: { generationTimeout: '1s' } }));
        const result = await handle.result();
        const [first, second] = result.attempts;
        assert.equal(first.result, 'failed');
        assert.equal(first.failure?.type, 'provider_busy');
        assert.equal(first.providerTaskId, undefined);
        assert.equal(second.provider, 'runway');
        assert.equal(second.result, 'success');
        assert.deepEqual(calls.submissions.map((s) => s.provider), ['kling', 'runway']);
        // Our own queue says nothing of kling's health: its breaker does not count the wait.
        assert.equal(calls.providerOutcomes[0].outcome, 'neutral');
        const timers = (await handle.fetchHistory()).events!.filter((e) => e.timerStartedEventAttributes);
        assert.equal(timers.length, 0, 'the waits for a place are the activity\'s retries, not timers');
      });
    });
  });

  describe('activity failures', () => {
    it('a generation refused for good is a failed attempt and the round goes on', async () => {
      // Attempt 1 never reaches the judge, so the first analysis is attempt 2's.
      const { activities, calls } = fakeActivities({ scores: [75], submitFailures: { 0: refused } });
      await withWorker(activities, async ({ start }) => {
        const result = await (await start(sceneInput())).result();
        assert.equal(result.outcome, 'passed');
        const [first, second] = result.attempts;
        assert.equal(first.result, 'failed');
        assert.deepEqual(first.failure, { type: 'content_refused', message: 'The provider refused the prompt' });
        assert.equal(first.assetUrl, undefined);
        assert.equal(first.scoreBefore, 40);
        assert.equal(second.result, 'success');
        assert.equal(second.provider, 'runway');
        assert.equal(calls.submissions.length, 2);
        assert.equal(calls.recordedAttempts.length, 2);
      });
    });

    it('an analysis that stays unusable is a failed attempt and the round goes on', async () => {
      const { activities } = fakeActivities({ scores: [75], analysisFailures: { 0: unusable } });
      await withWorker(activities, async ({ start }) => {
        const result = await (await start(sceneInput())).result();
        assert.equal(result.attempts[0].result, 'failed');
        assert.equal(result.attempts[0].failure?.type, 'analysis_unusable');
        // The generation was paid for, so its cost stays on the failed attempt.
        assert.equal(result.attempts[0].costUsd, 0.5);
        assert.equal(result.attempts[1].result, 'success');
      });
    });

    it('a busy provider is asked again by the generation\'s retries, and the attempt goes on unchanged', async () => {
      const { activities, calls } = fakeActivities({ scores: [75], busySubmissions: { 0: 600 } });
      await withWorker(activities, async ({ start }) => {
        const handle = await start(sceneInput());
        const result = await handle.result();
        assert.equal(result.attempts.length, 1);
        assert.equal(result.attempts[0].result, 'success');
        assert.equal(result.attempts[0].providerTaskId, 'task-0');
        assert.equal(calls.submissions.length, 1);
        const events = (await handle.fetchHistory()).events!;
        assert.equal(events.filter((e) => e.timerStartedEventAttributes).length, 0);
        assert.equal(events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'generateAsset').length, 1);
      });
    });

    it('a transient failure is retried by Temporal and the attempt succeeds', async () => {
      const { activities, calls } = fakeActivities({ scores: [75], submitFailures: { 0: unavailable } });
      await withWorker(activities, async ({ start }) => {
        const result = await (await start(sceneInput())).result();
        assert.equal(result.attempts.length, 1);
        assert.equal(result.attempts[0].result, 'success');
        assert.equal(calls.submissions.length, 2);
        // The retry carries the same idempotency key, so a real provider is not paid twice.
        assert.equal(calls.submissions[0].idempotencyKey, calls.submissions[1].idempotencyKey);
        // A send that failed and was retried is one attempt.
        assert.equal(calls.recordedAttempts.length, 1);
      });
    });

    it('rejects malformed input by failing the run, not by looping', async () => {
      const { activities } = fakeActivities({ scores: [75] });
      await withWorker(activities, async ({ start }) => {
        const bad = sceneInput({ currentProvider: 'dall-e' as never });
        const handle = await start(bad);
        await assert.rejects(handle.result(), (error: Error & { cause?: Error }) => {
          assert.match(String(error.cause?.message), /Invalid input/);
          return true;
        });
      });
    });
  });
});
