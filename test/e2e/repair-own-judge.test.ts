import assert from 'node:assert/strict';
import type { PipelineScene } from '../../src/domain/scene';
import { sceneAssetWorkflow } from '../../workflows';
import { startE2eStack, type E2eStack } from '../helpers/e2e-stack';
import { uniqueSceneId } from '../helpers/scenes';

/**
 * End to end: every asset of an image scene shows one critical local defect (a
 * rule scripts the issue, never a score), so the simulator's own judge scores each 15 points
 * under its own reading. The first asset lands more than the repair band under the bar and is
 * regenerated with the judge's improved prompt; that one is within the band, so the round repairs
 * it through fal's Kontext; the judge sees the fix in the resized picture it is sent, gives the
 * points back, and the repair passes.
 */
describe('a repair judged by the simulator\'s own model (no scripted score)', function () {
  this.timeout(300_000);
  let e2e: E2eStack;
  const region = { x: 0.4, y: 0.3, w: 0.2, h: 0.2 };
  const defect = { category: 'ai_artifacts' as const, severity: 'critical' as const, description: 'The rim of the bowl is warped', region };
  const scene: PipelineScene = {
    id: uniqueSceneId(),
    projectId: uniqueSceneId(),
    sceneIndex: 0,
    sceneType: 'b-roll',
    contentType: 'object',
    narration: 'The bowl holds the light.',
    visualDirection: 'A simple stoneware bowl on a plain oak table, warm golden daylight, crisp detail',
    duration: 0,
    provider: 'falai',
  };

  before(async () => {
    e2e = await startE2eStack({ name: 'repair-own-judge' });
    e2e.stack.simulator!.setSettings({ edit: { fixChance: { falai: 1 }, damageRate: 0 } });
    e2e.stack.simulator!.setScenarios([{ match: 'stoneware bowl', issues: [defect] }]);
  });
  after(async () => {
    await e2e?.stop();
  });

  it('repairs the defect and passes on the judge\'s own score, the defect gone', async () => {
    const result = await e2e.stack.client.workflow.execute(sceneAssetWorkflow, {
      taskQueue: e2e.stack.config.temporal.taskQueue,
      workflowId: `scene-asset-${scene.id}`,
      args: [{ scene, project: { id: scene.projectId, name: 'Repairs' } }],
    });
    const attempts = result.regeneration?.attempts ?? [];
    const summary = JSON.stringify({ first: result.analysis?.overallScore, attempts: attempts.map((a) => [a.kind ?? 'generate', a.scoreBefore, a.scoreAfter, a.result]) });
    assert.equal(result.needsUserReview, false, summary);
    assert.equal(result.regeneration?.outcome, 'passed', summary);
    assert.deepEqual(attempts.map((a) => a.kind ?? 'generate'), ['generate', 'repair'], summary);
    const repair = attempts[1];
    assert.equal(repair.result, 'success', summary);
    assert.equal(repair.scoreAfter - repair.scoreBefore, 15, summary);
    assert.ok((attempts[0].analysisResult?.issues ?? []).some((issue) => issue.description === defect.description), 'the regenerated asset still shows it');
    assert.ok(!(repair.analysisResult?.issues ?? []).some((issue) => issue.description === defect.description), summary);
  });

  it('repairs a clip the same way: Runway video-to-video, the judge shown its frames sees the fix', async () => {
    const clip: PipelineScene = {
      ...scene,
      id: uniqueSceneId(),
      projectId: uniqueSceneId(),
      contentType: 'product',
      visualDirection: 'A simple stoneware bowl turning slowly on a plain oak table, warm golden daylight, crisp detail',
      duration: 5,
      provider: 'kling',
    };
    e2e.stack.simulator!.setSettings({ edit: { fixChance: { runway: 1 }, damageRate: 0 } });
    const result = await e2e.stack.client.workflow.execute(sceneAssetWorkflow, {
      taskQueue: e2e.stack.config.temporal.taskQueue,
      workflowId: `scene-asset-${clip.id}`,
      // The simulator reads this clip at about 51, 36 with the defect: a bar of 45 puts it within the repair band.
      args: [{ scene: clip, project: { id: clip.projectId, name: 'Clip repairs' }, policy: { minScoreToPass: 45 } }],
    });
    const attempts = result.regeneration?.attempts ?? [];
    const summary = JSON.stringify({ first: result.analysis?.overallScore, attempts: attempts.map((a) => [a.kind ?? 'generate', a.provider, a.scoreBefore, a.scoreAfter, a.result]) });
    assert.equal(result.regeneration?.outcome, 'passed', summary);
    const repair = attempts.at(-1)!;
    assert.equal(repair.kind, 'repair', summary);
    assert.equal(repair.provider, 'runway', summary);
    assert.equal(repair.result, 'success', summary);
    assert.equal(repair.scoreAfter - repair.scoreBefore, 15, summary);
    assert.ok(!(repair.analysisResult?.issues ?? []).some((issue) => issue.description === defect.description), summary);
  });
});
