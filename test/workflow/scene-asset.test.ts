import assert from 'node:assert/strict';
import type { SceneAssetInput } from '../../src/domain/inputs';
import { sceneAssetWorkflow } from '../../workflows';
import { userDecisionSignal } from '../../workflows/messages';
import { fakeActivities, refused } from '../helpers/fake-activities';
import { uniqueSceneId } from '../helpers/scenes';
import { testEnv } from '../helpers/temporal';
import { workflowBundle } from '../helpers/workflow-bundle';
import { waitForStatus, withWorker, type RunContext } from '../helpers/workflow-runner';
import { regenerationWorkflowId } from '../../src/domain/workflow-ids';
import { evidenceOf, judgedAttempts } from '../helpers/attempt-evidence';

function pipelineInput(overrides: Partial<SceneAssetInput['scene']> = {}): SceneAssetInput {
  return {
    scene: {
      id: uniqueSceneId(),
      projectId: 11,
      sceneIndex: 0,
      sceneType: 'hero',
      contentType: 'product',
      narration: 'Meet the new kettle.',
      visualDirection: 'A copper kettle on a wooden counter',
      duration: 5,
      provider: 'kling',
      ...overrides,
    },
    project: { id: 11, name: 'Kettle launch' },
  };
}

function startPipeline(ctx: RunContext, input: SceneAssetInput) {
  return ctx.client.workflow.start(sceneAssetWorkflow, {
    taskQueue: ctx.taskQueue,
    workflowId: `scene-asset-${input.scene.id}`,
    args: [input],
  });
}

describe('sceneAssetWorkflow: the pipeline step for one scene', function () {
  this.timeout(120_000);
  before(async function () {
    this.timeout(240_000);
    await Promise.all([testEnv(), workflowBundle()]);
  });

  it('stores the scene, makes and judges its first asset, and needs no round at 70', async () => {
    const { activities, calls } = fakeActivities({ scores: [70] });
    await withWorker(activities, async (ctx) => {
      const input = pipelineInput();
      const result = await (await startPipeline(ctx, input)).result();
      assert.equal(result.needsUserReview, false);
      assert.equal(result.qualityScore, 70);
      assert.equal(result.regeneration, undefined);
      assert.equal(result.assetUrl, 'http://assets.test/assets/task-0.png');
      assert.equal(calls.savedScenes.length, 1);
      assert.equal(calls.savedScenes[0].scene.id, input.scene.id);
      assert.equal(calls.savedAnalyses.length, 1);
      assert.equal(calls.savedAnalyses[0].analysis.overallScore, 70);
      assert.equal(calls.submissions.length, 1);
      assert.equal(calls.submissions[0].provider, 'kling');
      assert.equal(calls.submissions[0].prompt, input.scene.visualDirection);
    });
  });

  it('triggers regeneration on a score below 70, and the round passing updates the result', async () => {
    // 69 is near the bar, so the first asset is judged 3 times too: 69, 66, 68 → 68 fails.
    const { activities, calls } = fakeActivities({ scores: [69, 66, 68, 85] });
    await withWorker(activities, async (ctx) => {
      const result = await (await startPipeline(ctx, pipelineInput())).result();
      assert.equal(result.needsUserReview, false);
      assert.equal(result.regeneration?.outcome, 'passed');
      assert.equal(result.qualityScore, 85);
      assert.equal(result.assetUrl, 'http://assets.test/assets/task-1.png');
      assert.equal(calls.submissions.length, 2);
      assert.equal(calls.analyses.length, 4);
      assert.equal(calls.savedAnalyses[0].analysis.overallScore, 68);
      assert.equal(calls.savedAnalyses[0].costUsd, 0.53, 'the generation and all three judgments');
      assert.equal(result.regeneration?.attempts[0].scoreBefore, 68);
      assert.equal(calls.outcomes[0].outcome, 'passed');
    });
  });

  it('ends with needsUserReview while the escalated round keeps waiting for a person', async () => {
    const { activities, calls } = fakeActivities({ scores: [40, 45, 48, 50] });
    await withWorker(activities, async (ctx) => {
      const input = pipelineInput();
      const result = await (await startPipeline(ctx, input)).result();
      assert.equal(result.needsUserReview, true);
      assert.equal(result.reviewWorkflowId, regenerationWorkflowId(input.scene.id));
      assert.equal(result.qualityScore, 50);
      assert.equal(calls.escalations.length, 1);

      const round = ctx.client.workflow.getHandle(result.reviewWorkflowId!);
      await waitForStatus(round, 'awaiting_review');
      await round.signal(userDecisionSignal, { action: 'approve', reviewer: 'ana' });
      const decided = await round.result();
      assert.equal(decided.outcome, 'approved');
    });
  });

  it('a scene whose round runs or awaits review is refused before anything is generated or written', async () => {
    const { activities, calls } = fakeActivities({
      scores: [40],
      roundInProgress: (sceneId) => ({ workflowId: regenerationWorkflowId(sceneId), runId: 'r', status: 'awaiting_review' }),
    });
    await withWorker(activities, async (ctx) => {
      const input = pipelineInput();
      const handle = await startPipeline(ctx, input);
      await assert.rejects(handle.result(), (error: Error & { cause?: Error & { type?: string } }) => {
        assert.equal(error.cause?.type, 'already_in_review');
        assert.match(error.cause?.message ?? '', /already in review/);
        return true;
      });
      assert.deepEqual(calls.roundChecks, [input.scene.id]);
      assert.equal(calls.submissions.length, 0);
      assert.equal(calls.savedScenes.length, 0);
      assert.equal(calls.savedAnalyses.length, 0);
    });
  });

  it('a first asset the provider refuses still gets a round that tries other providers', async () => {
    const { activities, calls } = fakeActivities({ scores: [80], submitFailures: { 0: refused } });
    await withWorker(activities, async (ctx) => {
      const result = await (await startPipeline(ctx, pipelineInput())).result();
      assert.equal(calls.savedAnalyses.length, 0);
      assert.equal(result.regeneration?.outcome, 'passed');
      assert.equal(result.regeneration?.attempts[0].scoreBefore, 0);
      assert.deepEqual(calls.submissions.map((s) => s.provider), ['kling', 'kling']);
    });
  });

  describe('a scene that names no provider', () => {
    const favoursLuma = evidenceOf([
      ...judgedAttempts('kling', 'nature', 30, 60),
      ...judgedAttempts('runway', 'nature', 30, 60),
      ...judgedAttempts('hailuo', 'nature', 30, 60),
      ...judgedAttempts('luma', 'nature', 30, 82),
    ]);
    async function firstGeneration(policy: SceneAssetInput['policy']) {
      const { activities, calls } = fakeActivities({ scores: [80], evidence: favoursLuma });
      await withWorker(activities, async (ctx) => {
        const input = pipelineInput({ contentType: 'nature' });
        const { provider: _named, ...scene } = input.scene;
        await (await startPipeline(ctx, { ...input, scene, policy })).result();
      });
      return calls;
    }

    it('with policy.learnedFirstProvider, its first generation takes the learned choice', async () => {
      const calls = await firstGeneration({ learnedFirstProvider: true });
      assert.deepEqual(calls.submissions.map((s) => s.provider), ['luma']);
      assert.equal(calls.savedScenes[0].scene.provider, 'luma', 'the scene is stored with the provider chosen');
      assert.deepEqual(calls.evidenceReads, [{ kind: 'video' }]);
    });

    it('without it, the static map\'s best provider for the content type, and no evidence is read', async () => {
      const calls = await firstGeneration({});
      assert.deepEqual(calls.submissions.map((s) => s.provider), ['hailuo']);
      assert.deepEqual(calls.evidenceReads, []);
    });
  });
});
