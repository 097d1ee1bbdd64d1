import assert from 'node:assert/strict';
import { roundWrites } from './round-writes';
import { getInsights } from '../../src/db/insights';
import { getScene } from '../../src/db/queries';
import type { RoundWrites } from './round-writes';
import type { RegenerationAttempt } from '../../src/domain/regeneration';
import { attempt, PROJECT_ID, SCENE_ID, sceneRequest, WORKFLOW_ID } from './fixtures';
import { describeEachDatabase } from './test-databases';

describeEachDatabase('provider evidence from the recorded attempts', ({ db }) => {
  let activities: RoundWrites;
  let recorded = 0;
  beforeEach(async () => {
    activities = roundWrites(db());
    // A food video scene (kling, 5 s), a food still (duration 0) and a product video of another project.
    await activities.saveScene(sceneRequest({ contentType: 'Food' }));
    await activities.saveScene(sceneRequest({ id: SCENE_ID + 1, sceneIndex: 4, contentType: 'food', duration: 0, provider: 'flux' }));
    await activities.saveScene({ scene: { ...sceneRequest().scene, id: SCENE_ID + 2, projectId: PROJECT_ID + 1, contentType: 'product' } });
  });

  /** Records one attempt of its own round, so no two share a key. */
  const record = (sceneId: number, projectId: number, extra: Partial<RegenerationAttempt>) =>
    activities.recordAttempt({
      workflowId: `${WORKFLOW_ID}-${sceneId}`,
      runId: 'run-a',
      sceneId,
      projectId,
      attempt: attempt(++recorded, 1, 50, extra),
    });

  it('sums attempts, judged attempts, passes, mean gain and cost per provider, content type and kind', async () => {
    // kling on the food video: 2 judged (one pass), 1 failed generation.
    await record(SCENE_ID, PROJECT_ID, { provider: 'kling', scoreBefore: 40, scoreAfter: 75, result: 'success', costUsd: 0.4 });
    await record(SCENE_ID, PROJECT_ID, { provider: 'kling', scoreBefore: 40, scoreAfter: 50, result: 'failed', costUsd: 0.4 });
    await record(SCENE_ID, PROJECT_ID, {
      provider: 'kling',
      result: 'failed',
      scoreAfter: 0,
      analysisResult: undefined,
      failure: { type: 'unavailable', message: '503' },
      costUsd: undefined,
    });
    // flux on the food still; runway on the product video of project 8.
    await record(SCENE_ID + 1, PROJECT_ID, { provider: 'flux', scoreBefore: 60, scoreAfter: 72, result: 'success', costUsd: 0.05 });
    await record(SCENE_ID + 2, PROJECT_ID + 1, { provider: 'runway', scoreBefore: 50, scoreAfter: 55, result: 'failed', costUsd: 0.8 });

    const food = await activities.providerEvidence({ contentType: 'FOOD', kind: 'video' });
    assert.deepEqual(food, [
      { provider: 'kling', contentType: 'food', kind: 'video', judgedAttempts: 2, passedAttempts: 1, meanGain: 22.5, totalCostUsd: 0.8, attempts: 3 },
    ]);
    assert.deepEqual(await activities.providerEvidence({ contentType: 'food', kind: 'image' }), [
      { provider: 'flux', contentType: 'food', kind: 'image', judgedAttempts: 1, passedAttempts: 1, meanGain: 12, totalCostUsd: 0.05, attempts: 1 },
    ]);
    assert.deepEqual(await activities.providerEvidence({ contentType: 'nature', kind: 'video' }), []);

    const insights = await getInsights(db());
    assert.deepEqual(insights.providers, [
      { provider: 'flux', contentType: 'food', kind: 'image', attempts: 1, judgedAttempts: 1, passRate: 1, meanGain: 12, costPerPassedUsd: 0.05 },
      { provider: 'kling', contentType: 'food', kind: 'video', attempts: 3, judgedAttempts: 2, passRate: 0.5, meanGain: 22.5, costPerPassedUsd: 0.8 },
      { provider: 'runway', contentType: 'product', kind: 'video', attempts: 1, judgedAttempts: 1, passRate: 0, meanGain: 5, costPerPassedUsd: null },
    ]);
    const scoped = await getInsights(db(), { projectIds: [PROJECT_ID + 1] });
    assert.deepEqual(scoped.providers.map((p) => p.provider), ['runway']);
    assert.deepEqual((await getInsights(db(), { projectId: PROJECT_ID + 1, projectIds: [PROJECT_ID] })).providers, []);
    assert.deepEqual((await getInsights(db(), { projectId: PROJECT_ID })).providers.map((p) => p.provider), ['flux', 'kling']);
  });

  it('an image provider’s attempt on a video scene counts as an image; a failed-only provider has no rates', async () => {
    await record(SCENE_ID, PROJECT_ID, { provider: 'falai', result: 'failed', scoreAfter: 30 });
    await record(SCENE_ID, PROJECT_ID, {
      provider: 'luma',
      result: 'failed',
      scoreAfter: 0,
      analysisResult: undefined,
      failure: { type: 'content_refused', message: 'no' },
      costUsd: 0,
    });
    assert.deepEqual((await activities.providerEvidence({ contentType: 'food', kind: 'image' })).map((e) => e.provider), ['falai']);
    const [luma] = (await getInsights(db())).providers.filter((p) => p.provider === 'luma');
    assert.deepEqual(luma, {
      provider: 'luma',
      contentType: 'food',
      kind: 'video',
      attempts: 1,
      judgedAttempts: 0,
      passRate: null,
      meanGain: null,
      costPerPassedUsd: null,
    });
  });

  it('the learned choice’s evidence: per provider, content type and attempt number of one kind, sums over judged attempts only', async () => {
    await record(SCENE_ID, PROJECT_ID, { provider: 'kling', attemptNumber: 2, scoreBefore: 40, scoreAfter: 75, result: 'success' });
    await record(SCENE_ID, PROJECT_ID, { provider: 'kling', attemptNumber: 2, scoreBefore: 50, scoreAfter: 60, result: 'failed' });
    await record(SCENE_ID, PROJECT_ID, {
      provider: 'kling',
      attemptNumber: 2,
      scoreBefore: 45,
      scoreAfter: 0,
      result: 'failed',
      analysisResult: undefined,
      failure: { type: 'unavailable', message: '503' },
    });
    await record(SCENE_ID + 2, PROJECT_ID + 1, { provider: 'runway', attemptNumber: 3, scoreBefore: 50, scoreAfter: 55, result: 'failed' });
    // A still of the food content type: the image kind, left out of the video evidence.
    await record(SCENE_ID + 1, PROJECT_ID, { provider: 'flux', scoreBefore: 60, scoreAfter: 72, result: 'success' });
    const video = await activities.attemptEvidence({ kind: 'video' });
    assert.deepEqual(video, [
      {
        provider: 'kling',
        contentType: 'food',
        kind: 'video',
        attemptNumber: 2,
        attempts: 3,
        judged: 2,
        sumBefore: 90,
        sumAfter: 135,
        sumBeforeSquared: 40 * 40 + 50 * 50,
        sumAfterSquared: 75 * 75 + 60 * 60,
        sumBeforeAfter: 40 * 75 + 50 * 60,
      },
      {
        provider: 'runway',
        contentType: 'product',
        kind: 'video',
        attemptNumber: 3,
        attempts: 1,
        judged: 1,
        sumBefore: 50,
        sumAfter: 55,
        sumBeforeSquared: 2500,
        sumAfterSquared: 3025,
        sumBeforeAfter: 2750,
      },
    ]);
    assert.deepEqual((await activities.attemptEvidence({ kind: 'image' })).map((e) => [e.provider, e.contentType, e.judged]), [['flux', 'food', 1]]);
  });

  it('records a repair with its kind and what it asked, reads it back, and keeps it out of the learned choice’s evidence', async () => {
    const defect = { category: 'ai_artifacts' as const, severity: 'medium' as const, description: 'warped logo', region: { x: 0.4, y: 0.3, w: 0.2, h: 0.2 } };
    const repair = { instruction: 'Fix only these defects: 1. warped logo.', defects: [defect], sourceAssetUrl: 'http://assets.test/a.png', sourcePrompt: 'A kettle' };
    await record(SCENE_ID + 1, PROJECT_ID, { provider: 'falai', scoreBefore: 62, scoreAfter: 75, result: 'success', kind: 'repair', repair });
    await record(SCENE_ID + 1, PROJECT_ID, { provider: 'flux', scoreBefore: 60, scoreAfter: 72, result: 'success' });
    const rows = await db().kysely.selectFrom('regeneration_attempts').select(['provider', 'kind', 'repair']).where('scene_id', '=', SCENE_ID + 1).orderBy('provider').execute();
    assert.deepEqual(rows, [
      { provider: 'falai', kind: 'repair', repair },
      { provider: 'flux', kind: 'generate', repair: null },
    ]);
    const stored = (await getScene(db(), SCENE_ID + 1))?.regenerationAttempts ?? [];
    assert.deepEqual(stored.map((a) => [a.provider, a.kind, a.repair]), [['falai', 'repair', repair], ['flux', undefined, undefined]]);
    assert.deepEqual((await activities.attemptEvidence({ kind: 'image' })).map((e) => [e.provider, e.judged]), [['flux', 1]]);
    // The insights count fal's repair in a row of its own, not in what fal generates.
    const insight = (await activities.providerEvidence({ contentType: 'food', kind: 'image' })).map((e) => [e.provider, e.attemptKind ?? 'generate', e.judgedAttempts, e.passedAttempts]);
    assert.deepEqual(insight, [
      ['falai', 'repair', 1, 1],
      ['flux', 'generate', 1, 1],
    ]);
  });

  it('sums the repairs of a kind per editor: repairs, judged ones, and their gains over the asset they edited', async () => {
    const defect = { category: 'ai_artifacts' as const, severity: 'medium' as const, description: 'warped logo', region: { x: 0.4, y: 0.3, w: 0.2, h: 0.2 } };
    const repair = { instruction: 'Fix only these defects: 1. warped logo.', defects: [defect], sourceAssetUrl: 'http://assets.test/a.png', sourcePrompt: 'A kettle' };
    // Two judged image repairs by fal (+13, +4), one that failed before its judgment, one by Runway (+2).
    await record(SCENE_ID + 1, PROJECT_ID, { provider: 'falai', scoreBefore: 62, scoreAfter: 75, result: 'success', kind: 'repair', repair });
    await record(SCENE_ID + 1, PROJECT_ID, { provider: 'falai', scoreBefore: 60, scoreAfter: 64, result: 'failed', kind: 'repair', repair });
    await record(SCENE_ID + 1, PROJECT_ID, {
      provider: 'falai',
      result: 'failed',
      scoreAfter: 0,
      analysisResult: undefined,
      failure: { type: 'unavailable', message: '503' },
      kind: 'repair',
      repair,
    });
    await record(SCENE_ID + 1, PROJECT_ID, { provider: 'runway', scoreBefore: 60, scoreAfter: 62, result: 'failed', kind: 'repair', repair });
    // A generation and a clip repair: neither is an image repair.
    await record(SCENE_ID + 1, PROJECT_ID, { provider: 'flux', scoreBefore: 60, scoreAfter: 72, result: 'success' });
    await record(SCENE_ID, PROJECT_ID, { provider: 'runway', scoreBefore: 60, scoreAfter: 70, result: 'success', kind: 'repair', repair });
    assert.deepEqual(await activities.repairEvidence({ kind: 'image' }), [
      { provider: 'falai', kind: 'image', repairs: 3, judged: 2, sumGain: 17, sumGainSquared: 13 * 13 + 4 * 4 },
      { provider: 'runway', kind: 'image', repairs: 1, judged: 1, sumGain: 2, sumGainSquared: 4 },
    ]);
    assert.deepEqual(await activities.repairEvidence({ kind: 'video' }), [{ provider: 'runway', kind: 'video', repairs: 1, judged: 1, sumGain: 10, sumGainSquared: 100 }]);
  });
});
