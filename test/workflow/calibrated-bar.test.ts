import assert from 'node:assert/strict';
import type { Verdict } from '../../src/domain/calibration';
import type { RegenerateSceneInput } from '../../src/domain/inputs';
import type { SceneAssetInput } from '../../src/domain/inputs';
import type { PartialPolicy } from '../../src/domain/policy';
import { regenerationWorkflowId } from '../../src/domain/workflow-ids';
import { sceneAssetWorkflow } from '../../workflows';
import { getRegenerationStateQuery, userDecisionSignal } from '../../workflows/messages';
import { fakeActivities } from '../helpers/fake-activities';
import { sceneInput, uniqueSceneId } from '../helpers/scenes';
import { testEnv } from '../helpers/temporal';
import { workflowBundle } from '../helpers/workflow-bundle';
import { waitForStatus, withWorker } from '../helpers/workflow-runner';

/** 40 verdicts on nature scenes, symmetric around 78: people accept half the time at a judged 78. */
const AROUND_78: Verdict[] = Array.from({ length: 20 }, (_, i) => i + 1).flatMap((k) => [
  { score: 78 - k, accepted: k % 4 === 0, judgePassed: false },
  { score: 78 + k, accepted: k % 4 !== 0, judgePassed: true },
]);

/** A nature round whose every attempt is judged 74: it passes at a bar of 70, not at 78; a person rejects it when it escalates. */
async function roundAt74(input: RegenerateSceneInput, escalates: boolean) {
  const fake = fakeActivities({ scores: [74], verdicts: { nature: AROUND_78 } });
  const result = await withWorker(fake.activities, async ({ start }) => {
    const handle = await start(input);
    if (escalates) {
      await waitForStatus(handle, 'awaiting_review');
      await handle.signal(userDecisionSignal, { action: 'reject', reviewer: 'ana' });
    }
    return { result: await handle.result(), state: await handle.query(getRegenerationStateQuery) };
  });
  return { ...result, calls: fake.calls };
}

describe('regenerateSceneWorkflow: the passing score calibrated from people’s verdicts', function () {
  this.timeout(120_000);

  before(async function () {
    this.timeout(240_000);
    await Promise.all([testEnv(), workflowBundle()]);
  });

  it('with policy.calibratedBar and enough verdicts, the round judges against the calibrated bar and records it', async () => {
    const round = await roundAt74(sceneInput({}, { policy: { calibratedBar: true } }), true);
    assert.equal(round.result.outcome, 'rejected');
    const bar = round.state.passingBar!;
    assert.equal(bar.source, 'calibrated');
    assert.equal(bar.configured, 70);
    assert.equal(bar.verdicts, 40);
    assert.ok(Math.abs(bar.score - 78) < 0.5, JSON.stringify(bar));
    // Read once, by the opening step, for the scene's content type; every attempt was judged against it.
    assert.deepEqual(round.calls.verdictReads, ['nature']);
    // 74 passes at 70, not at 78: attempt 1 only improves on the scene's 40, the others fail.
    assert.deepEqual(round.result.attempts.map((a) => [a.result, a.passingScore]), [
      ['improved', bar.score],
      ['failed', bar.score],
      ['failed', bar.score],
    ]);
    assert.ok(round.calls.analyses.every((request) => request.minScoreToPass === bar.score));
    assert.ok(round.calls.recordedAttempts.every((r) => r.attempt.passingScore === bar.score));
  });

  it('fewer verdicts than policy.minDecisions leave the configured bar, recorded with what calibration said', async () => {
    const round = await roundAt74(sceneInput({}, { policy: { calibratedBar: true, minDecisions: 41 } }), false);
    assert.equal(round.result.outcome, 'passed');
    assert.deepEqual(round.result.attempts.map((a) => [a.result, a.passingScore]), [['success', 70]]);
    assert.deepEqual(round.state.passingBar, { score: 70, source: 'configured', configured: 70, verdicts: 40, calibrated: round.state.passingBar?.calibrated });
    assert.ok(Math.abs(round.state.passingBar!.calibrated! - 78) < 0.5);
    assert.ok(round.calls.analyses.every((request) => request.minScoreToPass === 70));
  });

  it('without policy.calibratedBar no verdict is read and the configured bar stands', async () => {
    const round = await roundAt74(sceneInput({}, { policy: { minScoreToPass: 73 } }), false);
    assert.equal(round.result.outcome, 'passed');
    assert.deepEqual(round.calls.verdictReads, []);
    assert.deepEqual(round.result.attempts.map((a) => a.passingScore), [73]);
    assert.deepEqual(round.state.passingBar, { score: 73, source: 'configured', configured: 73 });
  });

  /** The pipeline's step for a nature scene whose first asset is judged 74: it passes at 70, not at 78. */
  async function pipelineAt74(policy: PartialPolicy) {
    const fake = fakeActivities({ scores: [74], verdicts: { nature: AROUND_78 } });
    const input: SceneAssetInput = {
      scene: { id: uniqueSceneId(), projectId: 11, sceneIndex: 0, sceneType: 'hero', contentType: 'nature', narration: 'Dawn.', visualDirection: 'A misty lake at dawn', duration: 0, provider: 'flux' },
      policy,
    };
    const result = await withWorker(fake.activities, async (ctx) => {
      const handle = await ctx.client.workflow.start(sceneAssetWorkflow, { taskQueue: ctx.taskQueue, workflowId: `scene-asset-${input.scene.id}`, args: [input] });
      const stepResult = await handle.result();
      if (stepResult.needsUserReview) {
        // The round goes on waiting for a person: a rejection ends it.
        const round = ctx.client.workflow.getHandle(regenerationWorkflowId(input.scene.id));
        await round.signal(userDecisionSignal, { action: 'reject', reviewer: 'ana' });
        await round.result();
      }
      return stepResult;
    });
    return { result, calls: fake.calls };
  }

  it('the first-asset check of the pipeline judges against the calibrated bar too', async () => {
    const step = await pipelineAt74({ calibratedBar: true });
    assert.equal(step.result.needsUserReview, true, 'a 74 does not pass at the calibrated 78: a round starts');
    const firstJudgment = step.calls.analyses[0];
    assert.ok(Math.abs(firstJudgment.minScoreToPass - 78) < 0.5, `the first asset was judged against ${firstJudgment.minScoreToPass}`);
    // The step read the bar for the first asset, and the round read it again when it opened.
    assert.deepEqual(step.calls.verdictReads, ['nature', 'nature']);
  });

  it('without policy.calibratedBar the first asset passes at the configured bar and no verdict is read', async () => {
    const step = await pipelineAt74({});
    assert.equal(step.result.needsUserReview, false);
    assert.equal(step.result.regeneration, undefined);
    assert.equal(step.result.qualityScore, 74);
    assert.equal(step.calls.analyses[0].minScoreToPass, 70);
    assert.deepEqual(step.calls.verdictReads, []);
  });
});
