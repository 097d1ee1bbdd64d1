import assert from 'node:assert/strict';
import { createDatabaseActivities } from '../../activities/database';
import type { DatabaseActivities } from '../../src/domain/activity-types';
import { analysis, assetRef, attempt, PROJECT_ID, SCENE_ID, sceneRequest, WORKFLOW_ID } from './fixtures';
import { describeEachDatabase } from './test-databases';

describeEachDatabase('a project’s spending and budget', ({ db }) => {
  let activities: DatabaseActivities;
  beforeEach(() => {
    activities = createDatabaseActivities(db());
  });

  it('a project the database does not know has spent nothing and has no budget', async () => {
    assert.deepEqual(await activities.projectSpend({ projectId: 999_999 }), { spentUsd: 0 });
  });

  it('sums every first asset and every attempt of the project, and no other project’s', async () => {
    await activities.saveScene({ ...sceneRequest(), project: { id: PROJECT_ID, budgetUsd: 12.5 } });
    await activities.saveScene(sceneRequest({ id: SCENE_ID + 1, sceneIndex: 4 }));
    await activities.saveScene({ scene: { ...sceneRequest().scene, id: SCENE_ID + 2, projectId: PROJECT_ID + 1 } });
    const firstAsset = { workflowId: 'scene-asset-1', asset: assetRef('first'), provider: 'kling' as const, analysis: analysis(50) };
    await activities.saveSceneAnalysis({ ...firstAsset, sceneId: SCENE_ID, costUsd: 0.21 });
    await activities.saveSceneAnalysis({ ...firstAsset, sceneId: SCENE_ID + 1, costUsd: 0.3 });
    await activities.saveSceneAnalysis({ ...firstAsset, sceneId: SCENE_ID + 2, costUsd: 5 });
    const record = (sceneId: number, projectId: number, n: number, costUsd: number | undefined) =>
      activities.recordAttempt({ workflowId: `${WORKFLOW_ID}-${sceneId}`, runId: 'run-a', sceneId, projectId, attempt: attempt(1, n, 50, { costUsd }) });
    await record(SCENE_ID, PROJECT_ID, 1, 0.1);
    await record(SCENE_ID, PROJECT_ID, 2, 0.2);
    // An attempt whose cost is unknown adds nothing; a retried write is not counted twice.
    await record(SCENE_ID, PROJECT_ID, 3, undefined);
    await record(SCENE_ID, PROJECT_ID, 2, 0.2);
    await record(SCENE_ID + 2, PROJECT_ID + 1, 1, 7);

    assert.deepEqual(await activities.projectSpend({ projectId: PROJECT_ID }), { spentUsd: 0.81, budgetUsd: 12.5 });
    assert.deepEqual(await activities.projectSpend({ projectId: PROJECT_ID + 1 }), { spentUsd: 12 });
  });

  it('a save without a budget keeps the one stored earlier, and a new budget replaces it', async () => {
    await activities.saveScene({ ...sceneRequest(), project: { id: PROJECT_ID, budgetUsd: 3 } });
    await activities.saveScene({ scene: sceneRequest().scene });
    await activities.saveScene({ ...sceneRequest(), project: { id: PROJECT_ID, name: 'Renamed' } });
    assert.equal((await activities.projectSpend({ projectId: PROJECT_ID })).budgetUsd, 3);
    await activities.saveScene({ ...sceneRequest(), project: { id: PROJECT_ID, budgetUsd: 4.25 } });
    assert.equal((await activities.projectSpend({ projectId: PROJECT_ID })).budgetUsd, 4.25);
  });
});
