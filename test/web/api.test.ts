import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import type { ReviewEntryView, SceneView } from '../../src/domain/http-api';
import type { RegenerationState } from '../../src/domain/regeneration';
import { testEnv } from '../helpers/temporal';
import { workflowBundle } from '../helpers/workflow-bundle';
import { eventually, seedScene, withWebServer, type WebHarness } from './web-harness';
import { regenerationWorkflowId } from '../../src/domain/workflow-ids';

const fails = (): number => 40;

function json<T>(response: LightMyRequestResponse): T {
  return response.json<T>();
}

/** The queue answers a page: { items, nextCursor }. */
function queueItems(response: LightMyRequestResponse): ReviewEntryView[] {
  return response.json<{ items: ReviewEntryView[] }>().items;
}

async function sceneRecord(harness: WebHarness, id: number): Promise<SceneView> {
  const response = await harness.request({ method: 'GET', url: `/api/scenes/${id}` });
  assert.equal(response.statusCode, 200, response.body);
  return json<SceneView>(response);
}

async function pendingEntry(harness: WebHarness, sceneId: number): Promise<ReviewEntryView> {
  const entries = await eventually(
    async () => queueItems(await harness.request({ method: 'GET', url: '/api/review-queue?status=pending' })),
    (list) => list.some((entry) => entry.sceneId === sceneId),
  );
  return entries.find((entry) => entry.sceneId === sceneId)!;
}

/** Starts a manual round that fails every attempt and waits until it is in the review queue. */
async function escalate(harness: WebHarness): Promise<{ sceneId: number; entry: ReviewEntryView }> {
  const scene = await seedScene(harness.db, { score: 40 });
  const started = await harness.request({ method: 'POST', url: `/api/scenes/${scene.id}/regenerate` });
  assert.equal(started.statusCode, 202, started.body);
  return { sceneId: scene.id, entry: await pendingEntry(harness, scene.id) };
}

describe('HTTP API', function () {
  this.timeout(90_000);
  before(async function () {
    this.timeout(240_000);
    await Promise.all([testEnv(), workflowBundle()]);
  });

  describe('manual regeneration', () => {
    it('answers 202 at once; when the round ends the scene has the new asset, analysis, score and attempts', async () => {
      await withWebServer(() => 86, async (harness) => {
        const scene = await seedScene(harness.db, { score: 40 });
        const response = await harness.request({
          method: 'POST',
          url: `/api/scenes/${scene.id}/regenerate`,
          payload: { provider: 'runway', customPrompt: 'A sourdough loaf in soft morning light' },
        });
        assert.equal(response.statusCode, 202, response.body);
        const started = json<{ workflowId: string; runId: string }>(response);
        assert.equal(started.workflowId, regenerationWorkflowId(scene.id));
        assert.match(started.runId, /^[0-9a-f-]{36}$/);
        // The generation is still under way: the answer did not wait for the round.
        const during = await harness.request({ method: 'GET', url: `/api/scenes/${scene.id}/regeneration` });
        assert.equal(json<RegenerationState>(during).status, 'regenerating');
        assert.equal((await sceneRecord(harness, scene.id)).qualityScore, 40);

        const updated = await eventually(() => sceneRecord(harness, scene.id), (s) => s.status === 'passed');
        assert.equal(updated.qualityScore, 86);
        assert.equal(updated.analysis?.overallScore, 86);
        assert.equal(updated.assetUrl, 'http://assets.test/assets/task-0.png');
        assert.equal(updated.provider, 'runway');
        assert.equal(updated.needsUserReview, false);
        assert.equal(updated.regenerationAttempts.length, 1);
        const [attempt] = updated.regenerationAttempts;
        assert.equal(attempt.result, 'success');
        assert.equal(attempt.scoreBefore, 40);
        assert.equal(attempt.scoreAfter, 86);
        // The person's prompt replaces the visual direction; the project's brand profile applies.
        assert.match(attempt.prompt, /^A sourdough loaf in soft morning light\. soft window light, /);
        assert.equal(harness.calls.submissions[0].provider, 'runway');

        const state = await harness.request({ method: 'GET', url: `/api/scenes/${scene.id}/regeneration` });
        assert.equal(state.statusCode, 200);
        assert.equal(json<RegenerationState>(state).status, 'passed');
      }, { generationDelayMs: 1500 });
    });

    it('answers 400 for a scene not analysed yet, 404 for a missing scene or a scene without a round', async () => {
      await withWebServer(fails, async (harness) => {
        const fresh = await seedScene(harness.db);
        const unanalysed = await harness.request({ method: 'POST', url: `/api/scenes/${fresh.id}/regenerate`, payload: {} });
        assert.equal(unanalysed.statusCode, 400);
        assert.deepEqual(json(unanalysed), { error: 'Scene has not been analyzed yet' });

        const missing = await harness.request({ method: 'POST', url: '/api/scenes/2147483000/regenerate' });
        assert.equal(missing.statusCode, 404);
        assert.equal(typeof json<{ error: string }>(missing).error, 'string');
        assert.equal((await harness.request({ method: 'GET', url: '/api/scenes/2147483000' })).statusCode, 404);

        const noRound = await harness.request({ method: 'GET', url: `/api/scenes/${fresh.id}/regeneration` });
        assert.equal(noRound.statusCode, 404);
        assert.match(json<{ error: string }>(noRound).error, new RegExp(regenerationWorkflowId(fresh.id)));
        assert.equal(harness.calls.submissions.length, 0);
      });
    });

    it('answers 409 naming the round while one is running for the scene', async () => {
      await withWebServer(fails, async (harness) => {
        const { sceneId } = await escalate(harness);
        const again = await harness.request({ method: 'POST', url: `/api/scenes/${sceneId}/regenerate`, payload: { provider: 'luma' } });
        assert.equal(again.statusCode, 409);
        assert.match(json<{ error: string }>(again).error, new RegExp(`${regenerationWorkflowId(sceneId)}\\b`));
        // Still the one round: three attempts, no fourth submission.
        assert.equal(harness.calls.submissions.length, 3);
      });
    });
  });

  describe('review decisions', () => {
    it('approve takes the named attempt; the entry closes with the reviewer; a second decision gets 409', async () => {
      const scores = (_id: number, nth: number): number => [40, 52, 45][nth] ?? 45;
      await withWebServer(scores, async (harness) => {
        const { sceneId, entry } = await escalate(harness);
        assert.equal(entry.attempts.length, 3);
        assert.equal(entry.bestScore, 52);
        assert.deepEqual(entry.bestPick, { attemptNumber: 2, score: 52, reason: 'highest_score', runnerUp: { attemptNumber: 3, score: 45 } });

        const unknownAttempt = await harness.request({
          method: 'POST',
          url: `/api/review-queue/${entry.id}/decision`,
          payload: { action: 'approve', attemptNumber: 7 },
        });
        assert.equal(unknownAttempt.statusCode, 400);
        const unknownEntry = await harness.request({ method: 'POST', url: '/api/review-queue/999999/decision', payload: { action: 'reject' } });
        assert.equal(unknownEntry.statusCode, 404);

        const chosen = entry.attempts.find((a) => a.attemptNumber === 3)!;
        const decided = await harness.request({
          method: 'POST',
          url: `/api/review-queue/${entry.id}/decision`,
          payload: { action: 'approve', attemptNumber: 3, note: 'the third reads best' },
        });
        assert.equal(decided.statusCode, 202, decided.body);
        assert.equal(json<{ decision: { reviewer: string } }>(decided).decision.reviewer, 'ana');

        const scene = await eventually(() => sceneRecord(harness, sceneId), (s) => s.status === 'approved');
        assert.equal(scene.assetUrl, chosen.assetUrl);
        assert.equal(scene.qualityScore, 45);
        assert.equal(scene.needsUserReview, false);
        assert.equal(scene.regenerationAttempts.length, 3);

        const decidedEntries = await eventually(
          async () => queueItems(await harness.request({ method: 'GET', url: '/api/review-queue?status=decided' })),
          (list) => list.some((e) => e.id === entry.id),
        );
        const closed = decidedEntries.find((e) => e.id === entry.id)!;
        assert.equal(closed.decidedBy, 'ana');
        assert.deepEqual(closed.decision, { action: 'approve', attemptNumber: 3, note: 'the third reads best', reviewer: 'ana' });

        const second = await harness.request({ method: 'POST', url: `/api/review-queue/${entry.id}/decision`, payload: { action: 'reject' } });
        assert.equal(second.statusCode, 409);
        assert.match(json<{ error: string }>(second).error, /already decided by ana/);
      });
    });

    it('lists pending entries newest first; reject leaves the scene without a generated asset', async () => {
      await withWebServer(fails, async (harness) => {
        const older = await escalate(harness);
        const newer = await escalate(harness);
        const pending = queueItems(await harness.request({ method: 'GET', url: '/api/review-queue' }));
        assert.deepEqual(
          pending.map((e) => e.sceneId),
          [newer.sceneId, older.sceneId],
        );
        const otherProject = await harness.request({ method: 'GET', url: '/api/review-queue?status=all&projectId=99' });
        assert.deepEqual(json(otherProject), { items: [] });

        const rejected = await harness.request({
          method: 'POST',
          url: `/api/review-queue/${older.entry.id}/decision`,
          payload: { action: 'reject', note: 'off brand' },
          as: 'bo',
        });
        assert.equal(rejected.statusCode, 202, rejected.body);
        // A double click: the first decision is still being carried out.
        const doubleClick = await harness.request({ method: 'POST', url: `/api/review-queue/${older.entry.id}/decision`, payload: { action: 'approve' } });
        assert.equal(doubleClick.statusCode, 409);

        const scene = await eventually(() => sceneRecord(harness, older.sceneId), (s) => s.status === 'rejected');
        assert.equal(scene.assetUrl, undefined);
        assert.equal(scene.needsUserReview, false);

        const stillPending = await eventually(
          async () => queueItems(await harness.request({ method: 'GET', url: '/api/review-queue?status=pending' })),
          (list) => list.length === 1,
        );
        assert.equal(stillPending[0].sceneId, newer.sceneId);
        const all = queueItems(await harness.request({ method: 'GET', url: `/api/review-queue?status=all&projectId=${stillPending[0].projectId}` }));
        assert.deepEqual(
          all.map((e) => [e.sceneId, e.status, e.decidedBy]),
          [
            [newer.sceneId, 'pending', undefined],
            [older.sceneId, 'decided', 'bo'],
          ],
        );
      });
    });

    it('regenerate runs another round with the reviewer prompt and provider, and the scene takes its result', async () => {
      const scores = (_id: number, nth: number): number => (nth < 3 ? 40 : 91);
      await withWebServer(scores, async (harness) => {
        const { sceneId, entry } = await escalate(harness);
        const response = await harness.request({
          method: 'POST',
          url: `/api/review-queue/${entry.id}/decision`,
          payload: { action: 'regenerate', customPrompt: 'Sourdough on linen, close up', provider: 'luma' },
        });
        assert.equal(response.statusCode, 202, response.body);

        const scene = await eventually(() => sceneRecord(harness, sceneId), (s) => s.status === 'passed');
        assert.equal(scene.qualityScore, 91);
        assert.equal(scene.provider, 'luma');
        assert.equal(scene.regenerationAttempts.length, 4);
        const last = scene.regenerationAttempts[3];
        assert.equal(last.round, 2);
        assert.match(last.prompt, /^Sourdough on linen, close up\. /);
        assert.equal(scene.assetUrl, last.assetUrl);

        const state = json<RegenerationState>(await harness.request({ method: 'GET', url: `/api/scenes/${sceneId}/regeneration` }));
        assert.equal(state.status, 'passed');
        assert.equal(state.round, 2);
        assert.deepEqual(state.decision, {
          action: 'regenerate',
          customPrompt: 'Sourdough on linen, close up',
          provider: 'luma',
          reviewer: 'ana',
        });
      });
    });
  });
});
