import assert from 'node:assert/strict';
import { roundWrites, type RoundWrites } from './round-writes';
import { judgingHistory } from '../../src/db/judging-history';
import type { AttemptJudgment, RegenerationAttempt } from '../../src/domain/regeneration';
import { attempt, PROJECT_ID, SCENE_ID, sceneRequest, WORKFLOW_ID } from './fixtures';
import { describeEachDatabase } from './test-databases';

describeEachDatabase('judging history from the recorded judgments', ({ db }) => {
  let activities: RoundWrites;
  let recorded = 0;
  beforeEach(async () => {
    activities = roundWrites(db());
    await activities.saveScene(sceneRequest({ contentType: 'Food' }));
    await activities.saveScene(sceneRequest({ id: SCENE_ID + 1, sceneIndex: 4, contentType: 'product' }));
  });

  const record = (sceneId: number, extra: Partial<RegenerationAttempt>) =>
    activities.recordAttempt({ workflowId: `${WORKFLOW_ID}-${sceneId}`, runId: 'run-a', sceneId, projectId: PROJECT_ID, attempt: attempt(++recorded, 1, 50, extra) });
  const viewed = (...scores: number[]): AttemptJudgment[] =>
    scores.map((score, index) => ({ score, costUsd: 0.01, view: { number: index + 1, model: 'claude-sonnet-4-6' } }));

  it('reads the content type\'s judgment lists, whatever its case, every project\'s, and nothing of other content types', async () => {
    await record(SCENE_ID, { judgments: viewed(60, 64) });
    await record(SCENE_ID, { judgments: viewed(70, 66, 68) });
    // Judged before views: counts for the prior, not for the spread.
    await record(SCENE_ID, { judgments: [{ score: 80, costUsd: 0.01 }, { score: 81, costUsd: 0.01 }] });
    // Not judged (a failed generation): nothing.
    await record(SCENE_ID, { judgments: undefined, analysisResult: undefined, scoreAfter: 0, result: 'failed', failure: { type: 'unavailable', message: '503' } });
    await record(SCENE_ID + 1, { judgments: viewed(20, 40) });

    const food = await judgingHistory(db().kysely, 'FOOD');
    assert.equal(food.contentType, 'food');
    assert.equal(food.scores.count, 3);
    assert.equal(food.scores.mean, 70);
    assert.ok(Math.abs(food.scores.sd - 10) < 1e-9);
    assert.equal(food.spread.assets, 2);
    assert.ok(Math.abs(food.spread.sd - Math.sqrt(16 / 3)) < 1e-9);
    assert.deepEqual(await judgingHistory(db().kysely, 'nature'), { contentType: 'nature', scores: { count: 0, mean: 0, sd: 0 }, spread: { assets: 0, sd: 0 } });
  });
});
