import assert from 'node:assert/strict';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment, defaultActivityInfo } from '@temporalio/testing';
import { roundWrites } from './round-writes';
import { countRows, getProject, getReviewEntry, getScene, listReviewQueuePage, listSceneAttempts, pendingReviewEntryOf } from '../../src/db/queries';
import type { RoundWrites } from './round-writes';
import type { AttemptContext, EscalateToReviewRequest, RoundRef } from '../../src/domain/round-steps';
import { resolvePolicy } from '../../src/rules/policy';
import { FailureType } from '../../src/domain/failures';
import { describeEachDatabase } from './test-databases';
import { createRoundStepActivities } from '../../activities/round-steps';
import { createDatabaseRoundStore } from '../../src/db/round-store';
import { openReviewEntryForRun, restoreSceneAfterRunGone } from '../../src/db/regeneration-writes';
import type { ProviderName } from '../../src/domain/provider';
import { DEFAULT_BREAKER } from '../../src/rules/provider-health';
import { analysis, assetRef, attempt, PROJECT_ID, SCENE_ID, sceneRequest, WORKFLOW_ID } from './fixtures';

function ref(overrides: Partial<RoundRef> = {}): RoundRef {
  return { workflowId: WORKFLOW_ID, runId: 'run-a', round: 1, sceneId: SCENE_ID, projectId: PROJECT_ID, ...overrides };
}

function escalation(overrides: Partial<EscalateToReviewRequest> = {}, at: Partial<RoundRef> = {}): EscalateToReviewRequest {
  const attempts = [attempt(1, 1, 50), attempt(1, 2, 61), attempt(1, 3, 55)];
  return {
    ref: ref(at),
    sceneIndex: 3,
    reason: 'auto_regeneration_failed',
    bestScore: 61,
    bestAttemptNumber: 2,
    attempts,
    escalatedAt: '2025-01-01T01:00:00.000Z',
    ...overrides,
  };
}

/** A permanent failure: the retry policy must stop instead of retrying it for ever. */
function isBadRequest(error: unknown): boolean {
  return error instanceof ApplicationFailure && error.type === FailureType.badRequest && error.nonRetryable === true;
}

describeEachDatabase('the round\'s steps (activities/round-steps.ts) on the database', ({ db }) => {
  let activities: RoundWrites;
  beforeEach(() => {
    activities = roundWrites(db());
  });

  describe('saveScene', () => {
    it('creates the project and the scene, then updates them in place', async () => {
      await activities.saveScene(sceneRequest());
      let scene = await getScene(db(), SCENE_ID);
      assert.equal(scene?.status, 'new');
      assert.equal(scene?.needsUserReview, false);
      assert.equal(scene?.aspectRatio, '16:9');

      await activities.saveScene(sceneRequest({ narration: 'Meet the new bicycle.', provider: 'luma' }));
      await activities.saveScene(sceneRequest({ narration: 'Meet the new bicycle.', provider: 'luma' }));
      scene = await getScene(db(), SCENE_ID);
      assert.equal(scene?.narration, 'Meet the new bicycle.');
      assert.equal(scene?.provider, 'luma');
      assert.equal(await countRows(db(), 'scenes'), 1);
      assert.equal(await countRows(db(), 'projects'), 1);
      assert.deepEqual((await getProject(db(), PROJECT_ID))?.brandProfile, { lightingFix: 'golden hour light' });
    });

    it('a save without the project keeps the project name and brand profile stored earlier', async () => {
      await activities.saveScene(sceneRequest());
      await activities.saveScene({ scene: sceneRequest().scene });
      const project = await getProject(db(), PROJECT_ID);
      assert.equal(project?.name, 'Spring launch');
      assert.deepEqual(project?.brandProfile, { lightingFix: 'golden hour light' });
    });

    it('creates the project row when the scene comes without one', async () => {
      await activities.saveScene({ scene: sceneRequest().scene });
      const project = await getProject(db(), PROJECT_ID);
      assert.equal(project?.id, PROJECT_ID);
      assert.equal(project?.name, undefined);
    });

    it('refuses, without retry, a project that is not the scene’s', async () => {
      const request = { ...sceneRequest(), project: { id: PROJECT_ID + 1 } };
      await assert.rejects(activities.saveScene(request), isBadRequest);
      assert.equal(await countRows(db(), 'scenes'), 0);
    });

    it('registers a directly started round’s starting point, keeping the pipeline’s aspect ratio', async () => {
      await activities.saveScene(sceneRequest());
      const { scene } = sceneRequest();
      await activities.saveScene({
        scene: { ...scene, aspectRatio: undefined },
        current: { assetUrl: 'http://localhost:3000/assets/before.mp4', analysis: analysis(48) },
      });
      const stored = await getScene(db(), SCENE_ID);
      assert.equal(stored?.assetUrl, 'http://localhost:3000/assets/before.mp4');
      assert.equal(stored?.qualityScore, 48);
      assert.deepEqual(stored?.analysis, analysis(48));
      assert.equal(stored?.aspectRatio, '16:9');
    });
  });

  describe('saveSceneAnalysis', () => {
    it('stores the first asset, its analysis and score; a retry changes nothing', async () => {
      await activities.saveScene(sceneRequest());
      const request = {
        sceneId: SCENE_ID,
        workflowId: `scene-asset-${SCENE_ID}`,
        asset: assetRef('first'),
        provider: 'kling' as const,
        analysis: analysis(52),
        costUsd: 0.54,
      };
      await activities.saveSceneAnalysis(request);
      const once = await getScene(db(), SCENE_ID);
      await activities.saveSceneAnalysis(request);
      const twice = await getScene(db(), SCENE_ID);
      assert.equal(once?.assetUrl, assetRef('first').url);
      assert.deepEqual(once?.asset, assetRef('first'));
      assert.deepEqual(once?.analysis, analysis(52));
      assert.equal(once?.qualityScore, 52);
      assert.equal(once?.status, 'analyzed');
      assert.deepEqual({ ...twice, updatedAt: undefined }, { ...once, updatedAt: undefined });
    });

    it('fails without retry for a scene never saved', async () => {
      await assert.rejects(
        activities.saveSceneAnalysis({
          sceneId: 999,
          workflowId: 'scene-asset-999',
          asset: assetRef('x'),
          provider: 'kling',
          analysis: analysis(80),
          costUsd: 0,
        }),
        isBadRequest,
      );
    });
  });

  describe('recordAttempt', () => {
    beforeEach(() => activities.saveScene(sceneRequest()));

    it('writes one row however often it is retried, and marks the scene regenerating', async () => {
      const request = { ref: ref(), attempt: attempt(1, 1, 55) };
      await activities.steps.recordAttempt(request);
      await activities.steps.recordAttempt(request);
      assert.equal(await countRows(db(), 'regeneration_attempts'), 1);
      const [stored] = await listSceneAttempts(db(), SCENE_ID);
      assert.deepEqual({ ...stored, id: undefined }, { ...attempt(1, 1, 55), id: undefined, workflowId: WORKFLOW_ID, runId: 'run-a' });
      const scene = await getScene(db(), SCENE_ID);
      assert.equal(scene?.status, 'regenerating');
      assert.equal(scene?.latestWorkflowId, WORKFLOW_ID);
      assert.equal(scene?.latestRunId, 'run-a');
      // The attempt's outcome is counted on its provider's breaker once, keyed by workflow, round and attempt.
      assert.equal(await countRows(db(), 'provider_outcomes'), 1);
    });

    it('keeps the same round and attempt of a later run of the reused workflow id', async () => {
      await activities.steps.recordAttempt({ ref: ref({ runId: 'run-a' }), attempt: attempt(1, 1, 55) });
      await activities.steps.recordAttempt({ ref: ref({ runId: 'run-b' }), attempt: attempt(1, 1, 55) });
      assert.equal(await countRows(db(), 'regeneration_attempts'), 2);
    });

    it('takes the run id from the activity context when the request has none', async () => {
      const runId = 'run-from-context';
      const environment = new MockActivityEnvironment({ workflowExecution: { workflowId: WORKFLOW_ID, runId } });
      assert.notEqual(defaultActivityInfo.workflowExecution?.runId, runId);
      const request = { ref: { ...ref(), runId: undefined }, attempt: attempt(1, 1, 55) };
      await environment.run(activities.steps.recordAttempt, request);
      await environment.run(activities.steps.recordAttempt, request);
      const attempts = await listSceneAttempts(db(), SCENE_ID);
      assert.deepEqual(attempts.map((stored) => stored.runId), [runId]);
    });

    it('stores a failed attempt’s failure and leaves absent fields absent', async () => {
      const failed = attempt(1, 2, 0, {
        result: 'failed',
        failure: { type: 'content_refused', message: 'moderation' },
        analysisResult: undefined,
        assetUrl: undefined,
        costUsd: undefined,
        providerTaskId: undefined,
      });
      await activities.steps.recordAttempt({ ref: ref(), attempt: failed });
      const [stored] = await listSceneAttempts(db(), SCENE_ID);
      assert.deepEqual(stored?.failure, { type: 'content_refused', message: 'moderation' });
      assert.ok(!('assetUrl' in stored!) && !('analysisResult' in stored) && !('costUsd' in stored));
    });

    it('fails without retry for a scene never saved', async () => {
      const unknown = ref({ workflowId: 'regenerate-scene-999', sceneId: 999 });
      await assert.rejects(activities.steps.recordAttempt({ ref: unknown, attempt: attempt(1, 1, 55) }), isBadRequest);
    });

    it('ends the attempt’s own budget hold in the same write, and starts the next attempt when asked', async () => {
      await activities.saveScene({ ...sceneRequest(), project: { id: PROJECT_ID, budgetUsd: 10 } });
      const first = await activities.steps.openRound({ ref: ref(), firstAttempt: context(1) });
      assert.ok(first.start);
      assert.equal(await holds(), 1);
      const next = await activities.steps.recordAttempt({ ref: ref(), attempt: attempt(1, 1, 45, { provider: first.provider }), next: context(2) });
      assert.ok(next?.start);
      assert.equal(next.provider, 'runway', 'attempt 2: the first other provider of the fallback order');
      const rows = await db().kysely.selectFrom('budget_reservations').select(['attempt_number']).execute();
      assert.deepEqual(rows.map((r) => r.attempt_number), [2], 'attempt 1’s hold ended with its record; attempt 2 holds its price');
    });
  });

  describe('starting an attempt: provider, keys, breakers, budget', () => {
    beforeEach(() => activities.saveScene({ ...sceneRequest(), project: { id: PROJECT_ID, budgetUsd: 10 } }));

    it('a provider whose key is not configured is passed over and the skip recorded', async () => {
      const keyless = roundStepsWith((provider) => (provider === 'kling' ? 'kling has no key configured (PIAPI_API_KEY)' : undefined));
      const start = await keyless.openRound({ ref: ref(), firstAttempt: context(1) });
      assert.ok(start.start);
      assert.equal(start.provider, 'runway');
      assert.deepEqual(start.skipped, [{ provider: 'kling', reason: 'kling has no key configured (PIAPI_API_KEY)' }]);
    });

    it('a refused budget escalates with budget_exhausted, holds nothing and gives back any probe', async () => {
      const start = await activities.steps.openRound({ ref: ref(), firstAttempt: { ...context(1), roundSpentUsd: 0, policy: resolvePolicy({ maxCostUsd: 0.1 }) } });
      assert.deepEqual({ start: start.start, reason: !start.start && start.reason }, { start: false, reason: 'budget_exhausted' });
      assert.equal(await holds(), 0);
    });

    it('every fitting provider cooling down: providers_unavailable, with when the first comes back', async () => {
      await db().kysely
        .insertInto('provider_health')
        .values(['kling', 'runway', 'luma', 'hailuo'].map((provider) => ({ provider, consecutive_fails: 3, opened_at: new Date() })))
        .execute();
      const start = await activities.steps.openRound({ ref: ref(), firstAttempt: context(1) });
      assert.equal(start.start, false);
      assert.ok(!start.start && start.reason === 'providers_unavailable');
      assert.ok(start.retryAfterMs !== undefined && start.retryAfterMs > 0 && start.retryAfterMs <= 5 * 60_000, String(start.retryAfterMs));
      assert.equal(start.waitUpToMs, 15 * 60_000, 'kling video’s deadline');
    });
  });

  describe('escalateToReview and decisions', () => {
    beforeEach(() => activities.saveScene(sceneRequest()));

    it('escalating twice answers the same entry and writes one row', async () => {
      const first = await activities.steps.escalateToReview(escalation());
      const second = await activities.steps.escalateToReview(escalation());
      assert.equal(second.entryId, first.entryId);
      assert.equal(await countRows(db(), 'review_queue'), 1);
      const entry = await getReviewEntry(db(), first.entryId);
      assert.equal(entry?.status, 'pending');
      assert.equal(entry?.bestScore, 61);
      assert.equal(entry?.createdAt, '2025-01-01T01:00:00.000Z');
      assert.deepEqual(entry?.attempts, escalation().attempts);
      const scene = await getScene(db(), SCENE_ID);
      assert.equal(scene?.needsUserReview, true);
      assert.equal(scene?.status, 'awaiting_review');
    });

    it('keeps why a round stopped early, with its figures, and serves it with the entry; none for the usual reason', async () => {
      const detail = 'no attempt left is worth its price (a pass saves a $3.00 review; 2 attempts left; learned from 40 judged attempts): luma 4 % to pass at $0.41, worth −$0.29';
      const early = await activities.steps.escalateToReview(escalation({ reason: 'not_worth_trying', message: detail }));
      assert.deepEqual(await getReviewEntry(db(), early.entryId).then((e) => [e?.reason, e?.reasonDetail]), ['not_worth_trying', detail]);
      const usual = await activities.steps.escalateToReview(escalation({}, { workflowId: 'regenerate-scene-other' }));
      assert.ok(!('reasonDetail' in (await getReviewEntry(db(), usual.entryId))!));
    });

    it('records the round’s last attempt with the escalation, once', async () => {
      const last = attempt(1, 3, 55);
      await activities.steps.escalateToReview({ ...escalation(), attempt: last });
      await activities.steps.escalateToReview({ ...escalation(), attempt: last });
      assert.equal(await countRows(db(), 'regeneration_attempts'), 1);
    });

    it('keeps the best and why (best_pick) and serves it with the entry; absent when not given', async () => {
      const bestPick = { attemptNumber: 2, score: 61, reason: 'pairwise' as const, runnerUp: { attemptNumber: 3, score: 58 } };
      const withPick = await activities.steps.escalateToReview(escalation({ bestPick }));
      const entry = await getReviewEntry(db(), withPick.entryId);
      assert.deepEqual(entry?.bestPick, bestPick);
      assert.equal(entry?.bestAttemptNumber, 2);
      const [listed] = (await listReviewQueuePage(db(), { status: 'pending', limit: 10 })).items;
      assert.deepEqual(listed?.bestPick, bestPick);
      const without = await activities.steps.escalateToReview(escalation({}, { round: 2 }));
      assert.equal((await getReviewEntry(db(), without.entryId))?.bestPick, undefined);
      assert.equal((await pendingReviewEntryOf(db(), SCENE_ID))?.id, without.entryId, "the scene's newest pending entry");
    });

    it('a later round, or a later run, gets an entry of its own', async () => {
      const round1 = await activities.steps.escalateToReview(escalation());
      const round2 = await activities.steps.escalateToReview(escalation({}, { round: 2 }));
      const laterRun = await activities.steps.escalateToReview(escalation({}, { runId: 'run-b' }));
      assert.equal(new Set([round1.entryId, round2.entryId, laterRun.entryId]).size, 3);
    });

    it('closes the entry once; a second decision never overwrites the first', async () => {
      const { entryId } = await activities.steps.escalateToReview(escalation());
      const decided = { entryId, decision: { action: 'approve' as const, attemptNumber: 2, reviewer: 'ana' }, decidedAt: '2025-01-01T02:00:00.000Z' };
      await activities.store.closeEntry({ ...ref(), runId: 'run-a' }, decided);
      await activities.store.closeEntry({ ...ref(), runId: 'run-a' }, decided);
      await activities.store.closeEntry({ ...ref(), runId: 'run-a' }, { entryId, decision: { action: 'reject', reviewer: 'bo' }, decidedAt: '2025-01-01T03:00:00.000Z' });
      const entry = await getReviewEntry(db(), entryId);
      assert.equal(entry?.status, 'decided');
      assert.deepEqual(entry?.decision, decided.decision);
      assert.equal(entry?.decidedBy, 'ana');
      assert.equal(entry?.decidedAt, '2025-01-01T02:00:00.000Z');
    });

    it('a "regenerate" decision closes the entry as the next round opens, and the scene is regenerating again', async () => {
      const { entryId } = await activities.steps.escalateToReview(escalation());
      const decision = { action: 'regenerate' as const, customPrompt: 'a blue bicycle', reviewer: 'ana' };
      const start = await activities.steps.openRound({ ref: ref({ round: 2 }), decided: { entryId, decision, decidedAt: '2025-01-01T02:00:00.000Z' }, firstAttempt: context(1) });
      assert.ok(start.start);
      assert.equal((await getReviewEntry(db(), entryId))?.status, 'decided');
      assert.equal((await getScene(db(), SCENE_ID))?.status, 'regenerating');
    });

    describe('a run reset to its review wait after the decision (the runbook\'s "take back a decision")', () => {
      const rejected = { decision: { action: 'reject' as const, reviewer: 'ana' }, decidedAt: '2025-01-01T02:00:00.000Z' };

      it('gets a pending entry of its own, once, naming the closed one; the scene awaits review again', async () => {
        const { entryId } = await activities.steps.escalateToReview(escalation());
        await activities.steps.endRound({ ref: ref(), entry: { entryId, ...rejected }, scene: { outcome: 'rejected' } });
        const opened = await openReviewEntryForRun(db().kysely, { entryId, runId: 'run-b' });
        assert.equal(opened.opened, true);
        assert.deepEqual(await openReviewEntryForRun(db().kysely, { entryId, runId: 'run-b' }), { opened: false });
        const entry = await getReviewEntry(db(), opened.entryId!);
        assert.equal(entry?.status, 'pending');
        assert.equal(entry?.runId, 'run-b');
        assert.deepEqual(entry?.attempts, escalation().attempts);
        assert.equal(entry?.bestAttemptNumber, 2);
        assert.equal((await getReviewEntry(db(), entryId))?.status, 'decided');
        const scene = await getScene(db(), SCENE_ID);
        assert.equal(scene?.status, 'awaiting_review');
        assert.equal(scene?.needsUserReview, true);
      });

      it('its decision, naming the entry its history escalated, closes the one opened for it', async () => {
        const { entryId } = await activities.steps.escalateToReview(escalation());
        await activities.steps.endRound({ ref: ref(), entry: { entryId, ...rejected }, scene: { outcome: 'rejected' } });
        const { entryId: reopened } = await openReviewEntryForRun(db().kysely, { entryId, runId: 'run-b' });
        const approve = { entryId, decision: { action: 'approve' as const, attemptNumber: 2, reviewer: 'bo' }, decidedAt: '2025-01-01T03:00:00.000Z' };
        await activities.steps.endRound({ ref: ref({ runId: 'run-b' }), entry: approve, scene: { outcome: 'approved', asset: { url: 'http://a/2.png', provider: 'kling', analysis: analysis(61), score: 61 } } });
        const closed = await getReviewEntry(db(), reopened!);
        assert.equal(closed?.status, 'decided');
        assert.equal(closed?.decidedBy, 'bo');
        assert.deepEqual((await getReviewEntry(db(), entryId))?.decision, rejected.decision, 'the first decision stays on record');
      });

      it('its cancellation closes the one opened for it as cancelled', async () => {
        const { entryId } = await activities.steps.escalateToReview(escalation());
        await activities.steps.endRound({ ref: ref(), entry: { entryId, ...rejected }, scene: { outcome: 'rejected' } });
        const { entryId: reopened } = await openReviewEntryForRun(db().kysely, { entryId, runId: 'run-b' });
        await activities.endReviewEntry({ entryId, status: 'cancelled', reason: 'The round was cancelled', endedAt: '2025-01-01T03:00:00.000Z' });
        assert.equal((await getReviewEntry(db(), reopened!))?.status, 'cancelled');
        assert.equal((await getReviewEntry(db(), entryId))?.status, 'decided');
      });
    });

    it('a run gone without its ending: the scene gets back its status, unless a later run holds it', async () => {
      await activities.steps.escalateToReview(escalation());
      assert.deepEqual(await restoreSceneAfterRunGone(db().kysely, { sceneId: SCENE_ID, runId: 'run-other' }), {});
      assert.equal((await getScene(db(), SCENE_ID))?.status, 'awaiting_review');
      assert.deepEqual(await restoreSceneAfterRunGone(db().kysely, { sceneId: SCENE_ID, runId: 'run-a' }), { restored: 'new' });
      const scene = await getScene(db(), SCENE_ID);
      assert.equal(scene?.status, 'new');
      assert.equal(scene?.needsUserReview, true);
      assert.deepEqual(await restoreSceneAfterRunGone(db().kysely, { sceneId: SCENE_ID, runId: 'run-a' }), {}, 'once');
    });

    it('closing an entry that does not exist fails without retry', async () => {
      const decided = { entryId: 987_654, decision: { action: 'reject' as const, reviewer: 'ana' }, decidedAt: '2025-01-01T02:00:00.000Z' };
      await assert.rejects(activities.steps.endRound({ ref: ref(), entry: decided, scene: { outcome: 'rejected' } }), isBadRequest);
    });
  });

  describe('endRound (SPEC.md "How a round ends"): the scene row’s asset, analysis, score and provider belong together', () => {
    beforeEach(async () => {
      await activities.saveScene(sceneRequest());
      await activities.saveSceneAnalysis({ sceneId: SCENE_ID, workflowId: `scene-asset-${SCENE_ID}`, asset: assetRef('first'), provider: 'kling', analysis: analysis(52), costUsd: 0.5 });
    });
    const better = { url: assetRef('better').url, ref: assetRef('better'), provider: 'runway' as const, analysis: analysis(78), score: 78 };

    it('passed: the kept asset with its analysis, score and provider; a retry leaves the same scene', async () => {
      const request = { ref: ref(), attempt: attempt(1, 1, 78), scene: { outcome: 'passed' as const, asset: better } };
      await activities.steps.endRound(request);
      const once = await getScene(db(), SCENE_ID);
      await activities.steps.endRound(request);
      const twice = await getScene(db(), SCENE_ID);
      assert.equal(once?.assetUrl, assetRef('better').url);
      assert.deepEqual(once?.asset, assetRef('better'));
      assert.equal(once?.provider, 'runway');
      assert.equal(once?.qualityScore, 78);
      assert.deepEqual(once?.analysis, analysis(78));
      assert.equal(once?.status, 'passed');
      assert.deepEqual({ ...twice, updatedAt: undefined }, { ...once, updatedAt: undefined });
      assert.equal(await countRows(db(), 'regeneration_attempts'), 1);
    });

    it('drops stored asset details that no longer describe the kept asset', async () => {
      const other = { url: 'http://localhost:3000/assets/other.mp4', provider: 'luma' as const, analysis: analysis(64), score: 64 };
      await activities.steps.endRound({ ref: ref(), scene: { outcome: 'approved', asset: other } });
      const scene = await getScene(db(), SCENE_ID);
      assert.equal(scene?.assetUrl, 'http://localhost:3000/assets/other.mp4');
      assert.equal(scene?.asset, undefined);
      assert.equal(scene?.provider, 'luma');
      assert.equal(scene?.qualityScore, 64);
    });

    it('rejected: no generated asset, so no score or analysis either, and no review needed', async () => {
      await activities.steps.endRound({ ref: ref(), scene: { outcome: 'rejected' } });
      const scene = await getScene(db(), SCENE_ID);
      assert.equal(scene?.status, 'rejected');
      assert.equal(scene?.assetUrl, undefined);
      assert.equal(scene?.asset, undefined);
      assert.equal(scene?.analysis, undefined);
      assert.equal(scene?.qualityScore, undefined);
      assert.equal(scene?.needsUserReview, false);
    });

    it('review timed out: the asset from before the round stays with its own score and analysis, flagged', async () => {
      const { entryId } = await activities.steps.escalateToReview(escalation());
      await activities.steps.endRound({ ref: ref(), entry: { entryId, status: 'expired', reason: 'No decision within 2s', endedAt: '2025-01-01T02:00:00.000Z' }, scene: { outcome: 'review_timed_out' } });
      const scene = await getScene(db(), SCENE_ID);
      assert.equal(scene?.status, 'review_timed_out');
      assert.equal(scene?.assetUrl, assetRef('first').url);
      assert.equal(scene?.qualityScore, 52);
      assert.deepEqual(scene?.analysis, analysis(52));
      assert.equal(scene?.needsUserReview, true);
      assert.equal((await getReviewEntry(db(), entryId))?.status, 'expired');
    });

    for (const status of ['expired', 'cancelled'] as const) {
      it(`closes a pending entry as ${status} with its reason, once`, async () => {
        const { entryId } = await activities.steps.escalateToReview(escalation());
        const end = { entryId, status, reason: 'why', endedAt: '2025-01-01T02:00:00.000Z' };
        await activities.endReviewEntry(end);
        await activities.endReviewEntry({ ...end, reason: 'again' });
        const entry = await getReviewEntry(db(), entryId);
        assert.equal(entry?.status, status);
        assert.equal(entry?.closeReason, 'why');
        assert.equal(entry?.decidedBy, undefined);
        assert.equal(entry?.decidedAt, '2025-01-01T02:00:00.000Z');
      });
    }

    it('a decided entry stays decided', async () => {
      const { entryId } = await activities.steps.escalateToReview(escalation());
      await activities.store.closeEntry({ ...ref(), runId: 'run-a' }, { entryId, decision: { action: 'reject', reviewer: 'ana' }, decidedAt: '2025-01-01T02:00:00.000Z' });
      await activities.endReviewEntry({ entryId, status: 'cancelled', reason: 'x', endedAt: '2025-01-01T03:00:00.000Z' });
      assert.equal((await getReviewEntry(db(), entryId))?.status, 'decided');
    });

    it('cancelled: the scene gets back the status it had before the round, its asset unchanged', async () => {
      await activities.steps.endRound({ ref: ref({ runId: 'run-0' }), scene: { outcome: 'approved', asset: better } });
      await activities.steps.recordAttempt({ ref: ref(), attempt: attempt(1, 1, 50) });
      await activities.steps.escalateToReview(escalation());
      assert.equal((await getScene(db(), SCENE_ID))?.status, 'awaiting_review');
      await activities.steps.endRound({ ref: ref(), scene: { outcome: 'cancelled' } });
      const scene = await getScene(db(), SCENE_ID);
      assert.equal(scene?.status, 'approved');
      assert.equal(scene?.needsUserReview, false);
      assert.equal(scene?.qualityScore, 78);
    });

    it('every ending lets go of the round’s budget holds and breaker probes', async () => {
      await activities.saveScene({ ...sceneRequest(), project: { id: PROJECT_ID, budgetUsd: 10 } });
      await db().kysely.insertInto('provider_health').values({ provider: 'kling', consecutive_fails: 3, opened_at: new Date(0) }).execute();
      const start = await activities.steps.openRound({ ref: ref(), firstAttempt: context(1) });
      assert.ok(start.start && start.provider === 'kling', 'the one probe after the cooldown');
      assert.equal(await holds(), 1);
      await activities.steps.endRound({ ref: ref(), scene: { outcome: 'cancelled' } });
      assert.equal(await holds(), 0);
      const kling = await db().kysely.selectFrom('provider_health').select(['probe_key']).where('provider', '=', 'kling').executeTakeFirstOrThrow();
      assert.equal(kling.probe_key, null, 'the probe is given back for another round to make');
    });

    it('fails without retry for a scene never saved', async () => {
      await assert.rejects(activities.steps.endRound({ ref: ref({ workflowId: 'regenerate-scene-999', sceneId: 999 }), scene: { outcome: 'passed', asset: better } }), isBadRequest);
    });
  });

  function context(attemptNumber: number): AttemptContext {
    return {
      attemptNumber,
      roundProvider: 'kling',
      usedThisRound: [],
      roundSpentUsd: 0,
      currentScore: 50,
      contentType: 'product',
      needs: { kind: 'video', durationSeconds: 5, aspectRatio: '16:9' },
      policy: resolvePolicy({ learnedProviderChoice: false }),
    };
  }

  function roundStepsWith(keyProblem: (provider: ProviderName) => string | undefined) {
    return createRoundStepActivities({ store: createDatabaseRoundStore(db(), DEFAULT_BREAKER), keyProblem });
  }

  async function holds(): Promise<number> {
    return countRows(db(), 'budget_reservations');
  }
});
