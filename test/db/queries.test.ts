import assert from 'node:assert/strict';
import { roundWrites } from './round-writes';
import { getReviewEntry, getScene, listReviewQueuePage } from '../../src/db/queries';
import type { RoundWrites } from './round-writes';
import { describeEachDatabase } from './test-databases';
import { attempt, PROJECT_ID, SCENE_ID, sceneRequest, WORKFLOW_ID } from './fixtures';
import { regenerationWorkflowId } from '../../src/domain/workflow-ids';

describeEachDatabase('queries', ({ db }) => {
  let activities: RoundWrites;
  beforeEach(async () => {
    activities = roundWrites(db());
    await activities.saveScene(sceneRequest());
  });

  async function escalate(sceneId: number, projectId: number, runId: string, escalatedAt: string) {
    return activities.escalateToReview({
      workflowId: regenerationWorkflowId(sceneId),
      runId,
      round: 1,
      sceneId,
      projectId,
      sceneIndex: 0,
      reason: 'auto_regeneration_failed',
      bestScore: 60,
      attempts: [attempt(1, 1, 60)],
      escalatedAt,
    });
  }

  it('getScene answers undefined for a scene never saved', async () => {
    assert.equal(await getScene(db(), 999), undefined);
    assert.equal(await getReviewEntry(db(), 999), undefined);
  });

  it('getScene lists attempts run by run, then by round and attempt, whatever order they were written in', async () => {
    const record = (runId: string, round: number, attemptNumber: number) =>
      activities.recordAttempt({
        workflowId: WORKFLOW_ID,
        runId,
        sceneId: SCENE_ID,
        projectId: PROJECT_ID,
        attempt: attempt(round, attemptNumber, 40 + attemptNumber),
      });
    await record('run-a', 1, 2);
    await record('run-a', 1, 1);
    await record('run-a', 2, 1);
    await record('run-b', 1, 1);
    await record('run-a', 1, 3);
    const scene = await getScene(db(), SCENE_ID);
    assert.deepEqual(
      scene?.regenerationAttempts.map((stored) => `${stored.runId}:${stored.round}.${stored.attemptNumber}`),
      ['run-a:1.1', 'run-a:1.2', 'run-a:1.3', 'run-a:2.1', 'run-b:1.1'],
    );
  });

  it('a scene view is plain JSON: it survives serialization unchanged', async () => {
    await activities.recordAttempt({
      workflowId: WORKFLOW_ID,
      sceneId: SCENE_ID,
      projectId: PROJECT_ID,
      attempt: attempt(1, 1, 50),
    });
    const scene = await getScene(db(), SCENE_ID);
    assert.deepEqual(JSON.parse(JSON.stringify(scene)), scene);
    assert.equal(typeof scene?.createdAt, 'string');
  });

  it('lists pending entries newest first, and filters by status and project', async () => {
    await activities.saveScene(sceneRequest({ id: 43 }));
    await activities.saveScene({ scene: sceneRequest({ id: 44, projectId: 8 }).scene });
    const oldest = await escalate(SCENE_ID, PROJECT_ID, 'run-a', '2025-01-01T01:00:00.000Z');
    const newest = await escalate(43, PROJECT_ID, 'run-a', '2025-01-03T01:00:00.000Z');
    const otherProject = await escalate(44, 8, 'run-a', '2025-01-02T01:00:00.000Z');
    const decided = await escalate(SCENE_ID, PROJECT_ID, 'run-b', '2025-01-04T01:00:00.000Z');
    await activities.closeReviewEntry({
      workflowId: WORKFLOW_ID,
      runId: 'run-b',
      round: 1,
      decision: { action: 'reject', reviewer: 'ana' },
      decidedAt: '2025-01-04T02:00:00.000Z',
    });

    const ids = (page: { items: { id: number }[] }) => page.items.map((entry) => entry.id);
    assert.deepEqual(ids(await listReviewQueuePage(db())), [newest.entryId, otherProject.entryId, oldest.entryId]);
    assert.deepEqual(ids(await listReviewQueuePage(db(), { status: 'decided' })), [decided.entryId]);
    assert.deepEqual(ids(await listReviewQueuePage(db(), { status: 'all', limit: 2 })), [decided.entryId, newest.entryId]);
    assert.deepEqual(ids(await listReviewQueuePage(db(), { projectId: 8 })), [otherProject.entryId]);

    const [first] = (await listReviewQueuePage(db())).items;
    assert.equal(first?.sceneId, 43);
    assert.equal(first?.runId, 'run-a');
    assert.equal(first?.decision, undefined);
  });

  it('names the regeneration workflow and run that last worked on the scene', async () => {
    assert.equal((await getScene(db(), SCENE_ID))?.latestWorkflowId, undefined);
    await activities.recordAttempt({
      workflowId: WORKFLOW_ID,
      runId: 'run-a',
      sceneId: SCENE_ID,
      projectId: PROJECT_ID,
      attempt: attempt(1, 1, 50),
    });
    await escalate(SCENE_ID, PROJECT_ID, 'run-b', '2025-01-01T01:00:00.000Z');
    const scene = await getScene(db(), SCENE_ID);
    assert.deepEqual([scene?.latestWorkflowId, scene?.latestRunId], [WORKFLOW_ID, 'run-b']);
  });

  it('a first asset saved by the scene-asset workflow does not count as a regeneration', async () => {
    await activities.saveSceneAnalysis({
      sceneId: SCENE_ID,
      workflowId: `scene-asset-${SCENE_ID}`,
      asset: { url: 'u', key: 'k', sha256: 's', sizeBytes: 1, mediaType: 'image/png' },
      provider: 'flux',
      analysis: { overallScore: 40, recommendation: 'regenerate', issues: [] },
      costUsd: 0,
    });
    assert.equal((await getScene(db(), SCENE_ID))?.latestWorkflowId, undefined);
  });
});
