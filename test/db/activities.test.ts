import assert from 'node:assert/strict';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment, defaultActivityInfo } from '@temporalio/testing';
import { createDatabaseActivities } from '../../activities/database';
import { countRows, getProject, getReviewEntry, getScene, listReviewQueuePage, listSceneAttempts, pendingReviewEntryOf } from '../../src/db/queries';
import type { DatabaseActivities, EscalateToReviewRequest } from '../../src/domain/activity-types';
import { FailureType } from '../../src/domain/failures';
import { describeEachDatabase } from './test-databases';
import { analysis, assetRef, attempt, PROJECT_ID, SCENE_ID, sceneRequest, WORKFLOW_ID } from './fixtures';

function escalation(overrides: Partial<EscalateToReviewRequest> = {}): EscalateToReviewRequest {
  const attempts = [attempt(1, 1, 50), attempt(1, 2, 61), attempt(1, 3, 55)];
  return {
    workflowId: WORKFLOW_ID,
    runId: 'run-a',
    round: 1,
    sceneId: SCENE_ID,
    projectId: PROJECT_ID,
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

describeEachDatabase('database activities', ({ db }) => {
  let activities: DatabaseActivities;
  beforeEach(() => {
    activities = createDatabaseActivities(db());
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
      const request = {
        workflowId: WORKFLOW_ID,
        runId: 'run-a',
        sceneId: SCENE_ID,
        projectId: PROJECT_ID,
        attempt: attempt(1, 1, 55),
      };
      await activities.recordAttempt(request);
      await activities.recordAttempt(request);
      assert.equal(await countRows(db(), 'regeneration_attempts'), 1);
      const [stored] = await listSceneAttempts(db(), SCENE_ID);
      assert.deepEqual(
        { ...stored, id: undefined },
        { ...attempt(1, 1, 55), id: undefined, workflowId: WORKFLOW_ID, runId: 'run-a' },
      );
      const scene = await getScene(db(), SCENE_ID);
      assert.equal(scene?.status, 'regenerating');
      assert.equal(scene?.latestWorkflowId, WORKFLOW_ID);
      assert.equal(scene?.latestRunId, 'run-a');
    });

    it('keeps the same round and attempt of a later run of the reused workflow id', async () => {
      const base = { workflowId: WORKFLOW_ID, sceneId: SCENE_ID, projectId: PROJECT_ID, attempt: attempt(1, 1, 55) };
      await activities.recordAttempt({ ...base, runId: 'run-a' });
      await activities.recordAttempt({ ...base, runId: 'run-b' });
      assert.equal(await countRows(db(), 'regeneration_attempts'), 2);
    });

    it('takes the run id from the activity context when the request has none', async () => {
      const runId = 'run-from-context';
      const environment = new MockActivityEnvironment({
        workflowExecution: { workflowId: WORKFLOW_ID, runId },
      });
      assert.notEqual(defaultActivityInfo.workflowExecution?.runId, runId);
      const request = { workflowId: WORKFLOW_ID, sceneId: SCENE_ID, projectId: PROJECT_ID, attempt: attempt(1, 1, 55) };
      await environment.run(activities.recordAttempt, request);
      await environment.run(activities.recordAttempt, request);
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
      await activities.recordAttempt({
        workflowId: WORKFLOW_ID,
        runId: 'run-a',
        sceneId: SCENE_ID,
        projectId: PROJECT_ID,
        attempt: failed,
      });
      const [stored] = await listSceneAttempts(db(), SCENE_ID);
      assert.deepEqual(stored?.failure, { type: 'content_refused', message: 'moderation' });
      assert.ok(!('assetUrl' in stored!) && !('analysisResult' in stored) && !('costUsd' in stored));
    });

    it('fails without retry for a scene never saved', async () => {
      await assert.rejects(
        activities.recordAttempt({
          workflowId: 'regenerate-scene-999',
          sceneId: 999,
          projectId: PROJECT_ID,
          attempt: attempt(1, 1, 55),
        }),
        isBadRequest,
      );
    });
  });

  describe('escalateToReview and closeReviewEntry', () => {
    beforeEach(() => activities.saveScene(sceneRequest()));

    it('escalating twice answers the same entry and writes one row', async () => {
      const first = await activities.escalateToReview(escalation());
      const second = await activities.escalateToReview(escalation());
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

    it('keeps the best and why (best_pick) and serves it with the entry; absent when not given', async () => {
      const bestPick = { attemptNumber: 2, score: 61, reason: 'pairwise' as const, runnerUp: { attemptNumber: 3, score: 58 } };
      const withPick = await activities.escalateToReview(escalation({ bestPick }));
      const entry = await getReviewEntry(db(), withPick.entryId);
      assert.deepEqual(entry?.bestPick, bestPick);
      assert.equal(entry?.bestAttemptNumber, 2);
      const [listed] = (await listReviewQueuePage(db(), { status: 'pending', limit: 10 })).items;
      assert.deepEqual(listed?.bestPick, bestPick);
      const without = await activities.escalateToReview(escalation({ round: 2 }));
      assert.equal((await getReviewEntry(db(), without.entryId))?.bestPick, undefined);
      assert.equal((await pendingReviewEntryOf(db(), SCENE_ID))?.id, without.entryId, "the scene's newest pending entry");
    });

    it('a later round, or a later run, gets an entry of its own', async () => {
      const round1 = await activities.escalateToReview(escalation());
      const round2 = await activities.escalateToReview(escalation({ round: 2 }));
      const laterRun = await activities.escalateToReview(escalation({ runId: 'run-b' }));
      assert.equal(new Set([round1.entryId, round2.entryId, laterRun.entryId]).size, 3);
    });

    it('closes the entry once; a second decision never overwrites the first', async () => {
      const { entryId } = await activities.escalateToReview(escalation());
      const close = {
        workflowId: WORKFLOW_ID,
        runId: 'run-a',
        round: 1,
        decision: { action: 'approve' as const, attemptNumber: 2, reviewer: 'ana' },
        decidedAt: '2025-01-01T02:00:00.000Z',
      };
      await activities.closeReviewEntry(close);
      await activities.closeReviewEntry(close);
      await activities.closeReviewEntry({
        ...close,
        decision: { action: 'reject', reviewer: 'bo' },
        decidedAt: '2025-01-01T03:00:00.000Z',
      });
      const entry = await getReviewEntry(db(), entryId);
      assert.equal(entry?.status, 'decided');
      assert.deepEqual(entry?.decision, close.decision);
      assert.equal(entry?.decidedBy, 'ana');
      assert.equal(entry?.decidedAt, '2025-01-01T02:00:00.000Z');
    });

    it('a "regenerate" decision puts the scene back to regenerating', async () => {
      await activities.escalateToReview(escalation());
      await activities.closeReviewEntry({
        workflowId: WORKFLOW_ID,
        runId: 'run-a',
        round: 1,
        decision: { action: 'regenerate', customPrompt: 'a blue bicycle', reviewer: 'ana' },
        decidedAt: '2025-01-01T02:00:00.000Z',
      });
      assert.equal((await getScene(db(), SCENE_ID))?.status, 'regenerating');
    });

    it('closing an entry that was never escalated fails without retry', async () => {
      await assert.rejects(
        activities.closeReviewEntry({
          workflowId: WORKFLOW_ID,
          runId: 'run-a',
          round: 5,
          decision: { action: 'reject', reviewer: 'ana' },
          decidedAt: '2025-01-01T02:00:00.000Z',
        }),
        isBadRequest,
      );
    });
  });

  describe('endings without a decision (SPEC.md "How a round ends")', () => {
    beforeEach(() => activities.saveScene({ ...sceneRequest(), current: { analysis: analysis(40) } }));

    for (const status of ['expired', 'cancelled'] as const) {
      it(`closes a pending entry as ${status} with its reason, once`, async () => {
        const { entryId } = await activities.escalateToReview(escalation());
        const end = { entryId, workflowId: WORKFLOW_ID, round: 1, status, reason: 'why', endedAt: '2025-01-01T02:00:00.000Z' };
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
      const { entryId } = await activities.escalateToReview(escalation());
      await activities.closeReviewEntry({
        entryId,
        workflowId: WORKFLOW_ID,
        round: 1,
        decision: { action: 'reject', reviewer: 'ana' },
        decidedAt: '2025-01-01T02:00:00.000Z',
      });
      await activities.endReviewEntry({ entryId, workflowId: WORKFLOW_ID, round: 1, status: 'cancelled', reason: 'x', endedAt: '2025-01-01T03:00:00.000Z' });
      assert.equal((await getReviewEntry(db(), entryId))?.status, 'decided');
    });

    it('a cancelled round gives the scene back the status it had before the round', async () => {
      await activities.saveSceneOutcome({ workflowId: WORKFLOW_ID, sceneId: SCENE_ID, outcome: 'approved', finalScore: 80, needsUserReview: false });
      await activities.recordAttempt({ workflowId: WORKFLOW_ID, runId: 'run-a', sceneId: SCENE_ID, projectId: PROJECT_ID, attempt: attempt(1, 1, 50) });
      await activities.escalateToReview(escalation());
      assert.equal((await getScene(db(), SCENE_ID))?.status, 'awaiting_review');
      await activities.restoreSceneAfterCancel({ workflowId: WORKFLOW_ID, sceneId: SCENE_ID });
      const scene = await getScene(db(), SCENE_ID);
      assert.equal(scene?.status, 'approved');
      assert.equal(scene?.needsUserReview, false);
      assert.equal(scene?.qualityScore, 80);
    });

    it('a cancelled first round leaves the scene analyzed, and an ended scene alone', async () => {
      await activities.recordAttempt({ workflowId: WORKFLOW_ID, runId: 'run-a', sceneId: SCENE_ID, projectId: PROJECT_ID, attempt: attempt(1, 1, 50) });
      await activities.restoreSceneAfterCancel({ workflowId: WORKFLOW_ID, sceneId: SCENE_ID });
      assert.equal((await getScene(db(), SCENE_ID))?.status, 'analyzed');
      await activities.saveSceneOutcome({ workflowId: WORKFLOW_ID, sceneId: SCENE_ID, outcome: 'rejected', finalScore: 50, needsUserReview: false });
      await activities.restoreSceneAfterCancel({ workflowId: WORKFLOW_ID, sceneId: SCENE_ID });
      assert.equal((await getScene(db(), SCENE_ID))?.status, 'rejected');
    });
  });

  describe('saveSceneOutcome', () => {
    beforeEach(async () => {
      await activities.saveScene(sceneRequest());
      await activities.saveSceneAnalysis({
        sceneId: SCENE_ID,
        workflowId: `scene-asset-${SCENE_ID}`,
        asset: assetRef('first'),
        provider: 'kling',
        analysis: analysis(52),
        costUsd: 0.5,
      });
    });

    it('puts the kept asset, analysis and score on the scene; a retry leaves the same scene', async () => {
      const request = {
        workflowId: WORKFLOW_ID,
        runId: 'run-a',
        sceneId: SCENE_ID,
        outcome: 'passed' as const,
        finalScore: 78,
        needsUserReview: false,
        asset: { url: assetRef('better').url, provider: 'runway' as const, ref: assetRef('better') },
        analysis: analysis(78),
      };
      await activities.saveSceneOutcome(request);
      const once = await getScene(db(), SCENE_ID);
      await activities.saveSceneOutcome(request);
      const twice = await getScene(db(), SCENE_ID);
      assert.equal(once?.assetUrl, assetRef('better').url);
      assert.deepEqual(once?.asset, assetRef('better'));
      assert.equal(once?.provider, 'runway');
      assert.equal(once?.qualityScore, 78);
      assert.deepEqual(once?.analysis, analysis(78));
      assert.equal(once?.status, 'passed');
      assert.deepEqual({ ...twice, updatedAt: undefined }, { ...once, updatedAt: undefined });
    });

    it('drops stored asset details that no longer describe the kept asset', async () => {
      await activities.saveSceneOutcome({
        workflowId: WORKFLOW_ID,
        sceneId: SCENE_ID,
        outcome: 'approved',
        finalScore: 64,
        needsUserReview: false,
        asset: { url: 'http://localhost:3000/assets/other.mp4' },
      });
      const scene = await getScene(db(), SCENE_ID);
      assert.equal(scene?.assetUrl, 'http://localhost:3000/assets/other.mp4');
      assert.equal(scene?.asset, undefined);
      assert.equal(scene?.provider, 'kling', 'no provider named: the current one stays');
      assert.deepEqual(scene?.analysis, analysis(52), 'no analysis given: the stored one stays');
    });

    it('a rejected scene keeps no generated asset', async () => {
      await activities.saveSceneOutcome({
        workflowId: WORKFLOW_ID,
        sceneId: SCENE_ID,
        outcome: 'rejected',
        finalScore: 52,
        needsUserReview: false,
      });
      const scene = await getScene(db(), SCENE_ID);
      assert.equal(scene?.status, 'rejected');
      assert.equal(scene?.assetUrl, undefined);
      assert.equal(scene?.asset, undefined);
    });

    it('fails without retry for a scene never saved', async () => {
      await assert.rejects(
        activities.saveSceneOutcome({
          workflowId: 'regenerate-scene-999',
          sceneId: 999,
          outcome: 'passed',
          finalScore: 80,
          needsUserReview: false,
        }),
        isBadRequest,
      );
    });
  });
});
