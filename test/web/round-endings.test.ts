import assert from 'node:assert/strict';
import { ApplicationFailure } from '@temporalio/common';
import type { LightMyRequestResponse } from 'fastify';
import { roundWrites } from '../db/round-writes';
import { getReviewEntry } from '../../src/db/queries';
import { DEFAULT_TEMPORAL_CALL_TIMEOUT_MS } from '../../src/config';
import { reconcileReviewEntries } from '../../src/web/review-entry-reconciler';
import type { ReviewEntryView, SceneView } from '../../src/domain/http-api';
import { regenerationWorkflowId } from '../../src/domain/workflow-ids';
import { testEnv } from '../helpers/temporal';
import { workflowBundle } from '../helpers/workflow-bundle';
import { buildWebServer } from '../../src/web/server';
import { eventually, pipelineScene, seedScene, withWebServer, type WebHarness } from './web-harness';

/*
 * SPEC.md "How a round ends", through the API with the real database activities: every ending
 * leaves no pending entry and the scene in the status the table gives.
 */

function json<T>(response: LightMyRequestResponse): T {
  return response.json<T>();
}

async function sceneRecord(harness: WebHarness, id: number): Promise<SceneView> {
  return json<SceneView>(await harness.request({ method: 'GET', url: `/api/scenes/${id}` }));
}

async function entriesOf(harness: WebHarness, sceneId: number): Promise<ReviewEntryView[]> {
  const all = json<{ items: ReviewEntryView[] }>(await harness.request({ method: 'GET', url: '/api/review-queue?status=all' })).items;
  return all.filter((entry) => entry.sceneId === sceneId);
}

async function escalate(harness: WebHarness): Promise<{ sceneId: number; entry: ReviewEntryView }> {
  const scene = await seedScene(harness.db, { score: 40 });
  const started = await harness.request({ method: 'POST', url: `/api/scenes/${scene.id}/regenerate` });
  assert.equal(started.statusCode, 202, started.body);
  const [entry] = await eventually(
    () => entriesOf(harness, scene.id),
    (list) => list.some((e) => e.status === 'pending'),
  );
  return { sceneId: scene.id, entry: entry! };
}

const cancel = (harness: WebHarness, sceneId: number) =>
  harness.request({ method: 'POST', url: `/api/scenes/${sceneId}/regeneration/cancel` });

describe('how a round ends, through the API', function () {
  this.timeout(90_000);
  before(async function () {
    this.timeout(240_000);
    await Promise.all([testEnv(), workflowBundle()]);
  });

  it('POST /api/scenes/:id/regeneration/cancel: 404 for an unknown scene, 409 when no round runs, 401 without a token', async () => {
    await withWebServer(() => 40, async (harness) => {
      assert.equal((await cancel(harness, 987_654_321)).statusCode, 404);
      const scene = await seedScene(harness.db, { score: 40 });
      const idle = await cancel(harness, scene.id);
      assert.equal(idle.statusCode, 409, idle.body);
      assert.match(json<{ error: string }>(idle).error, /no regeneration round running/);
      const anonymous = await harness.request({ method: 'POST', url: `/api/scenes/${scene.id}/regeneration/cancel`, token: null });
      assert.equal(anonymous.statusCode, 401);
    });
  });

  it('cancel while awaiting review: 202, the entry closes as cancelled, the scene is analyzed again, outcome cancelled', async () => {
    await withWebServer(() => 40, async (harness) => {
      const { sceneId, entry } = await escalate(harness);
      assert.equal((await sceneRecord(harness, sceneId)).status, 'awaiting_review');
      const response = await cancel(harness, sceneId);
      assert.equal(response.statusCode, 202, response.body);
      assert.equal(json<{ workflowId: string }>(response).workflowId, regenerationWorkflowId(sceneId));
      const result = await harness.client.workflow.getHandle(regenerationWorkflowId(sceneId)).result();
      assert.equal(result.outcome, 'cancelled');
      const closed = await getReviewEntry(harness.db, entry.id);
      assert.equal(closed?.status, 'cancelled');
      const scene = await sceneRecord(harness, sceneId);
      assert.equal(scene.status, 'analyzed');
      assert.equal(scene.needsUserReview, false);
      assert.equal(scene.qualityScore, 40);
      assert.equal(scene.assetUrl, `http://assets.test/assets/first-${sceneId}.png`);
      // Nothing runs any more.
      assert.equal((await cancel(harness, sceneId)).statusCode, 409);
      const decision = await harness.request({ method: 'POST', url: `/api/review-queue/${entry.id}/decision`, payload: { action: 'approve' } });
      assert.equal(decision.statusCode, 409);
    });
  });

  it('cancel while generating: no entry at all, the attempt in flight recorded, the scene back to analyzed', async () => {
    await withWebServer(
      () => 40,
      async (harness) => {
        const scene = await seedScene(harness.db, { score: 40 });
        assert.equal((await harness.request({ method: 'POST', url: `/api/scenes/${scene.id}/regenerate` })).statusCode, 202);
        // An attempt in flight: its generation submitted (a round cancelled before its first
        // attempt has nothing to record). The scene's status is not the sign: on a busy machine it
        // was seen turning to regenerating only after attempt 1 had ended.
        const submitted = async () =>
          harness.calls.submissions.filter((s) => s.idempotencyKey.startsWith(`${regenerationWorkflowId(scene.id)}/`)).length;
        await eventually(submitted, (count) => count >= 1);
        assert.equal((await cancel(harness, scene.id)).statusCode, 202);
        const result = await harness.client.workflow.getHandle(regenerationWorkflowId(scene.id)).result();
        assert.equal(result.outcome, 'cancelled');
        const after = await sceneRecord(harness, scene.id);
        assert.equal(after.status, 'analyzed');
        assert.equal(after.regenerationAttempts.at(-1)?.failure?.type, 'cancelled');
        assert.deepEqual(await entriesOf(harness, scene.id), []);
      },
      // Long enough that the cancel lands while attempt 1's generation runs.
      { generationDelayMs: 6_000 },
    );
  });

  it('a terminated round: the reconciler closes its entry as superseded and gives the scene its status from before the round, flagged', async () => {
    await withWebServer(() => 40, async (harness) => {
      const { sceneId, entry } = await escalate(harness);
      // An entry Temporal refuses to answer for (a run id that is no run id) in the same pass
      // must not make the pass fail.
      const bogus = await roundWrites(harness.db).escalateToReview({
        workflowId: 'regenerate-scene-not-a-round',
        runId: 'not-a-run-id',
        round: 1,
        sceneId,
        projectId: entry.projectId,
        sceneIndex: 0,
        reason: 'auto_regeneration_failed',
        bestScore: 1,
        attempts: [],
        escalatedAt: '2020-01-01T00:00:00.000Z',
      });
      await harness.client.workflow.getHandle(regenerationWorkflowId(sceneId)).terminate('operator test');
      const report = await reconcileReviewEntries(harness.db, harness.client, { callTimeoutMs: DEFAULT_TEMPORAL_CALL_TIMEOUT_MS, taskQueue: harness.taskQueue });
      assert.ok(bogus.entryId !== entry.id);
      assert.ok(report.superseded.some((s) => s.entryId === entry.id), JSON.stringify(report));
      const closed = await getReviewEntry(harness.db, entry.id);
      assert.equal(closed?.status, 'superseded');
      assert.match(closed?.closeReason ?? '', /ended terminated/);
      assert.deepEqual(report.restored.filter((r) => r.sceneId === sceneId), [{ sceneId, status: 'analyzed' }]);
      const scene = await sceneRecord(harness, sceneId);
      assert.equal(scene.status, 'analyzed');
      assert.equal(scene.needsUserReview, true, 'it was waiting for a person');
      assert.equal(scene.qualityScore, 40);
      assert.equal(scene.assetUrl, `http://assets.test/assets/first-${sceneId}.png`);
      // A second pass finds nothing more to do.
      const again = await reconcileReviewEntries(harness.db, harness.client, { callTimeoutMs: DEFAULT_TEMPORAL_CALL_TIMEOUT_MS, taskQueue: harness.taskQueue });
      assert.ok(!again.superseded.some((s) => s.entryId === entry.id));
      assert.ok(!again.restored.some((r) => r.sceneId === sceneId));
    });
  });

  it('a round terminated while generating: the reconciler gives the scene back its status, not flagged', async () => {
    await withWebServer(
      () => 40,
      async (harness) => {
        const scene = await seedScene(harness.db, { score: 40 });
        assert.equal((await harness.request({ method: 'POST', url: `/api/scenes/${scene.id}/regenerate` })).statusCode, 202);
        await eventually(() => sceneRecord(harness, scene.id), (s) => s.status === 'regenerating');
        const handle = harness.client.workflow.getHandle(regenerationWorkflowId(scene.id));
        // While the round runs, the reconciler leaves its scene alone.
        const running = await reconcileReviewEntries(harness.db, harness.client, { callTimeoutMs: DEFAULT_TEMPORAL_CALL_TIMEOUT_MS, taskQueue: harness.taskQueue });
        assert.ok(!running.restored.some((r) => r.sceneId === scene.id), JSON.stringify(running));
        await handle.terminate('operator test');
        const report = await reconcileReviewEntries(harness.db, harness.client, { callTimeoutMs: DEFAULT_TEMPORAL_CALL_TIMEOUT_MS, taskQueue: harness.taskQueue });
        assert.deepEqual(report.restored.filter((r) => r.sceneId === scene.id), [{ sceneId: scene.id, status: 'analyzed' }]);
        const after = await sceneRecord(harness, scene.id);
        assert.equal(after.status, 'analyzed');
        assert.equal(after.needsUserReview, false);
        assert.deepEqual(await entriesOf(harness, scene.id), []);
      },
      // Attempt 2 is still generating when the round is terminated.
      { generationDelayMs: 3_000 },
    );
  });

  it("a decision for an earlier run's entry, beside the scene's newer one, gets 409 naming the newer: it would reach the newer run", async () => {
    await withWebServer(() => 40, async (harness) => {
      const { sceneId, entry } = await escalate(harness);
      const newer = await roundWrites(harness.db).escalateToReview({
        workflowId: regenerationWorkflowId(sceneId),
        runId: 'a-later-run',
        round: 1,
        sceneId,
        projectId: entry.projectId,
        sceneIndex: 0,
        reason: 'auto_regeneration_failed',
        bestScore: 40,
        attempts: entry.attempts,
        escalatedAt: new Date().toISOString(),
      });
      const stale = await harness.request({ method: 'POST', url: `/api/review-queue/${entry.id}/decision`, payload: { action: 'reject' } });
      assert.equal(stale.statusCode, 409, stale.body);
      assert.match(json<{ error: string }>(stale).error, new RegExp(`waits on entry ${newer.entryId}$`));
      assert.equal((await getReviewEntry(harness.db, entry.id))?.status, 'pending');
      await harness.client.workflow.getHandle(regenerationWorkflowId(sceneId)).terminate('test done');
    });
  });

  it('the reconciler leaves the entry of a running round alone', async () => {
    await withWebServer(() => 40, async (harness) => {
      const { sceneId, entry } = await escalate(harness);
      const report = await reconcileReviewEntries(harness.db, harness.client, { callTimeoutMs: DEFAULT_TEMPORAL_CALL_TIMEOUT_MS, taskQueue: harness.taskQueue });
      assert.deepEqual([...report.superseded, ...report.moved].filter((r) => r.entryId === entry.id), []);
      assert.equal((await getReviewEntry(harness.db, entry.id))?.status, 'pending');
      await harness.client.workflow.getHandle(regenerationWorkflowId(sceneId)).terminate('test done');
    });
  });

  it('a plain approve with nothing approvable (the scene\'s asset judged critical_fail, every attempt refused) gets 409 with the reason', async () => {
    const refusal = () => ApplicationFailure.nonRetryable('The provider refused the prompt', 'content_refused');
    await withWebServer(() => 40, async (harness) => {
      const scene = pipelineScene();
      await roundWrites(harness.db).saveScene({
        scene,
        project: { id: scene.projectId, name: 'Bakery' },
        current: {
          assetUrl: `http://assets.test/assets/wrong-subject-${scene.id}.png`,
          analysis: { overallScore: 80, recommendation: 'critical_fail', issues: [{ category: 'content_match', severity: 'critical', description: 'wrong subject' }] },
        },
      });
      assert.equal((await harness.request({ method: 'POST', url: `/api/scenes/${scene.id}/regenerate` })).statusCode, 202);
      const [entry] = await eventually(() => entriesOf(harness, scene.id), (list) => list.some((e) => e.status === 'pending'));
      const approve = await harness.request({ method: 'POST', url: `/api/review-queue/${entry!.id}/decision`, payload: { action: 'approve' } });
      assert.equal(approve.statusCode, 409, approve.body);
      assert.match(json<{ error: string }>(approve).error, /nothing to approve/);
      const reject = await harness.request({ method: 'POST', url: `/api/review-queue/${entry!.id}/decision`, payload: { action: 'reject' } });
      assert.equal(reject.statusCode, 202, reject.body);
    }, { script: { submitFailures: { 0: refusal, 1: refusal, 2: refusal } } });
  });

  it('a provider name in another case and a prompt with spaces around are normalised, not refused', async () => {
    await withWebServer(() => 86, async (harness) => {
      const scene = await seedScene(harness.db, { score: 40 });
      const response = await harness.request({
        method: 'POST',
        url: `/api/scenes/${scene.id}/regenerate`,
        payload: { provider: 'Runway', customPrompt: '  A loaf in soft light  ' },
      });
      assert.equal(response.statusCode, 202, response.body);
      await eventually(() => sceneRecord(harness, scene.id), (s) => s.status === 'passed');
      assert.equal(harness.calls.submissions[0].provider, 'runway');
      assert.match(harness.calls.submissions[0].prompt, /^A loaf in soft light\. /);
    });
  });

  it("a manual round's provider is the round's: the scene keeps naming the provider of the asset it holds, and the next round starts from it", async () => {
    await withWebServer(
      () => 40,
      async (harness) => {
        const scene = await seedScene(harness.db, { score: 40 });
        const submissionsOf = async () => harness.calls.submissions.filter((s) => s.idempotencyKey.startsWith(`${regenerationWorkflowId(scene.id)}/`));
        const started = await harness.request({ method: 'POST', url: `/api/scenes/${scene.id}/regenerate`, payload: { provider: 'runway' } });
        assert.equal(started.statusCode, 202, started.body);
        const [first] = await eventually(submissionsOf, (list) => list.length >= 1);
        assert.equal(first!.provider, 'runway', "the round's attempt 1 uses the person's provider");
        assert.equal((await sceneRecord(harness, scene.id)).provider, 'kling', 'the stored scene still names the provider of its asset');
        assert.equal((await cancel(harness, scene.id)).statusCode, 202);
        assert.equal((await harness.client.workflow.getHandle(regenerationWorkflowId(scene.id)).result()).outcome, 'cancelled');
        assert.equal((await sceneRecord(harness, scene.id)).provider, 'kling');

        const before = (await submissionsOf()).length;
        assert.equal((await harness.request({ method: 'POST', url: `/api/scenes/${scene.id}/regenerate` })).statusCode, 202);
        const next = await eventually(submissionsOf, (list) => list.length > before);
        assert.equal(next[before]!.provider, 'kling', "the next round's attempt 1 uses the scene's provider");
        await harness.client.workflow.getHandle(regenerationWorkflowId(scene.id)).terminate('test done');
      },
      { generationDelayMs: 2_000 },
    );
  });

  it('GET /api/scenes lists a page of scenes with their project names and a cursor to the next; GET /api/scenes/:id names its project', async () => {
    await withWebServer(() => 40, async (harness) => {
      const [first, second] = [await seedScene(harness.db, { score: 40 }), await seedScene(harness.db, { score: 40 })];
      const page1 = await harness.request({ method: 'GET', url: `/api/scenes?projectId=${first.projectId}&status=analyzed&limit=1` });
      assert.equal(page1.statusCode, 200, page1.body);
      const body1 = json<{ items: { id: number; projectName?: string }[]; nextCursor?: string }>(page1);
      assert.deepEqual(body1.items.map((s) => [s.id, s.projectName]), [[Math.min(first.id, second.id), 'Bakery']]);
      assert.ok(body1.nextCursor);
      const page2 = json<{ items: { id: number }[]; nextCursor?: string }>(
        await harness.request({ method: 'GET', url: `/api/scenes?projectId=${first.projectId}&limit=1&cursor=${body1.nextCursor}` }),
      );
      assert.deepEqual(page2.items.map((s) => s.id), [Math.max(first.id, second.id)]);
      assert.equal(page2.nextCursor, undefined);
      // The scene itself names its project too: the review page's header shows the name.
      const one = json<{ id: number; projectName?: string }>(await harness.request({ method: 'GET', url: `/api/scenes/${first.id}` }));
      assert.equal(one.projectName, 'Bakery');
    });
  });

  it('a token scoped to other projects sees none of this one: 404 for its scenes, entries and rounds, an empty queue', async () => {
    await withWebServer(() => 40, async (harness) => {
      const { sceneId, entry } = await escalate(harness);
      const scoped = buildWebServer({
        db: harness.db,
        temporal: harness.client,
        taskQueue: harness.taskQueue,
        assets: harness.assets,
        reviewers: [
          { reviewer: 'cy', token: 'cy-token-0123456789', projects: [entry.projectId + 1] },
          { reviewer: 'dee', token: 'dee-token-0123456789', projects: [entry.projectId] },
        ],
      });
      try {
        const as = (token: string, method: 'GET' | 'POST', url: string, payload?: object) =>
          scoped.inject({ method, url, payload, headers: { authorization: `Bearer ${token}` } });
        const outside = 'cy-token-0123456789';
        for (const [method, url, payload] of [
          ['GET', `/api/scenes/${sceneId}`],
          ['GET', `/api/scenes/${sceneId}/regeneration`],
          ['POST', `/api/scenes/${sceneId}/regenerate`],
          ['POST', `/api/scenes/${sceneId}/regeneration/cancel`],
          ['POST', `/api/review-queue/${entry.id}/decision`, { action: 'reject' }],
        ] as const) {
          const response = await as(outside, method, url, payload);
          assert.equal(response.statusCode, 404, `${method} ${url}: ${response.body}`);
        }
        assert.deepEqual(json(await as(outside, 'GET', '/api/review-queue?status=all')), { items: [] });
        // Asked by id, a project outside the token's scope is 404, as /api/insights answers.
        for (const url of [`/api/review-queue?projectId=${entry.projectId}`, `/api/scenes?projectId=${entry.projectId}`, `/api/insights?projectId=${entry.projectId}`]) {
          const response = await as(outside, 'GET', url);
          assert.equal(response.statusCode, 404, `${url}: ${response.body}`);
          assert.deepEqual(json(response), { error: `Project ${entry.projectId} not found` });
        }
        // A page cursor that is not one the API made: 400 naming the field.
        for (const url of ['/api/review-queue?cursor=not-a-cursor', '/api/scenes?cursor=not-a-cursor']) {
          const response = await as(outside, 'GET', url);
          assert.equal(response.statusCode, 400, `${url}: ${response.body}`);
          assert.match(json<{ error: string }>(response).error, /^query\.cursor: /);
        }
        assert.deepEqual(json(await as(outside, 'GET', '/api/scenes')), { items: [] });
        // The token of the scene's project sees and decides it, under its own name.
        const inside = 'dee-token-0123456789';
        assert.equal((await as(inside, 'GET', `/api/scenes/${sceneId}`)).statusCode, 200);
        assert.equal(json<{ items: unknown[] }>(await as(inside, 'GET', '/api/review-queue')).items.length, 1);
        const decided = await as(inside, 'POST', `/api/review-queue/${entry.id}/decision`, { action: 'reject' });
        assert.equal(decided.statusCode, 202, decided.body);
        const closed = await eventually(() => getReviewEntry(harness.db, entry.id), (e) => e?.status === 'decided');
        assert.equal(closed?.decidedBy, 'dee');
      } finally {
        await scoped.close();
      }
    });
  });

  it('limits requests per token: past the limit 429 with Retry-After, other tokens unaffected, no token still 401', async () => {
    await withWebServer(() => 40, async (harness) => {
      const limited = buildWebServer({
        db: harness.db,
        temporal: harness.client,
        taskQueue: harness.taskQueue,
        assets: harness.assets,
        reviewers: [
          { reviewer: 'ana', token: 'ana-token-0123456789' },
          { reviewer: 'bo', token: 'bo-token-0123456789' },
        ],
        rateLimit: { max: 3, windowMs: 60_000 },
      });
      try {
        const get = (token?: string) =>
          limited.inject({ method: 'GET', url: '/api/review-queue', headers: token ? { authorization: `Bearer ${token}` } : {} });
        for (let i = 0; i < 3; i++) assert.equal((await get('ana-token-0123456789')).statusCode, 200);
        const refused = await get('ana-token-0123456789');
        assert.equal(refused.statusCode, 429, refused.body);
        assert.match(String(refused.headers['retry-after']), /^\d+$/);
        assert.match(json<{ error: string }>(refused).error, /Too many requests/);
        assert.equal((await get('bo-token-0123456789')).statusCode, 200);
        assert.equal((await get()).statusCode, 401);
      } finally {
        await limited.close();
      }
    });
  });

  it('the Web UI reads like the page: a summary when the round starts, its current details as it goes', async () => {
    await withWebServer(() => 40, async (harness) => {
      const { sceneId, entry } = await escalate(harness);
      const handle = harness.client.workflow.getHandle(regenerationWorkflowId(sceneId));
      const described = await handle.describe();
      assert.equal(await described.staticSummary(), `Regenerate scene ${sceneId} of Bakery (project ${entry.projectId}): video, from kling`);
      const metadata = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
      // Every asset scored 40: among equal scores the latest attempt ranks first (rules/best-pick.ts).
      assert.match(metadata.currentDetails ?? '', /^round 1 · best 40 \(attempt 3\) · waiting for a reviewer's decision since /);
      await handle.terminate('test done');
    });
  });
});
