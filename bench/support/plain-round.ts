import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import type { SceneActivities } from '../../src/domain/activity-types';
import type { RegenerationAttempt } from '../../src/domain/regeneration';
import type { RegenerateSceneInput } from '../../src/domain/inputs';
import { judgingSettings, medianJudgment, shouldJudgeAgain } from '../../src/rules/judging';
import { attemptOutcome } from '../../src/rules/outcome';
import { resolvePolicy } from '../../src/rules/policy';
import { improvedPrompt } from '../../src/rules/prompt';
import { providerForAttempt, sceneKind } from '../../src/rules/provider-choice';

// The worker logs at WARN in these benchmarks; the plain loop must not pay for more.
const QUIET = new DefaultLogger('WARN');

/**
 * One regeneration round the way the original design ran it: a plain in-process loop over the
 * same activity functions and the same decisions, with no durability. Each call runs inside a
 * mock activity context only because the activities read it (heartbeats, logging).
 * Returns how many activity calls it made.
 */
export async function plainRound(activities: SceneActivities, input: RegenerateSceneInput, workflowId: string): Promise<number> {
  let calls = 0;
  const call = <A extends unknown[], R>(fn: (...args: A) => Promise<R>, ...args: A): Promise<R> => {
    calls += 1;
    return new MockActivityEnvironment(undefined, { logger: QUIET }).run(fn, ...args);
  };
  const { scene } = input;
  const policy = resolvePolicy(input.policy);
  const kind = sceneKind(scene.duration, scene.currentProvider);
  let current = { score: scene.analysisResult.overallScore, analysis: scene.analysisResult, assetUrl: scene.currentAssetUrl };
  const attempts: RegenerationAttempt[] = [];

  await call(activities.saveScene, {
    scene: { ...scene, provider: scene.currentProvider },
    project: input.project,
    current: { assetUrl: scene.currentAssetUrl, analysis: scene.analysisResult },
  });
  for (let attemptNumber = 1; attemptNumber <= policy.maxAttempts; attemptNumber++) {
    const provider = providerForAttempt({
      attemptNumber,
      currentProvider: scene.currentProvider,
      contentType: scene.contentType,
      fallbackOrder: policy.providerFallbackOrder[kind],
    });
    const prompt = improvedPrompt({ attemptNumber, visualDirection: scene.visualDirection, analysis: current.analysis });
    const task = await call(activities.submitGeneration, {
      provider,
      prompt,
      kind,
      durationSeconds: kind === 'video' ? scene.duration : 0,
      aspectRatio: scene.aspectRatio ?? '16:9',
      idempotencyKey: `${workflowId}/plain/1/${attemptNumber}`,
    });
    // One round at a time never meets a provider's concurrency limit.
    if ('busy' in task) throw new Error(`${provider} was busy in a benchmark that runs one round at a time`);
    const output = await call(activities.awaitGeneration, task);
    const asset = await call(activities.storeAsset, { url: output.outputUrl, sceneId: scene.id, expectedKind: kind });
    const judgeRequest = {
      asset,
      scene: { ...scene, duration: kind === 'video' ? scene.duration : 0, aspectRatio: scene.aspectRatio ?? '16:9' },
      prompt,
      minScoreToPass: policy.minScoreToPass,
    };
    // The same judging near the bar as the workflow, so both make the same calls.
    const judgments = [await call(activities.analyzeAsset, judgeRequest)];
    while (shouldJudgeAgain(judgments, judgingSettings(policy))) judgments.push(await call(activities.analyzeAsset, judgeRequest));
    const judged = medianJudgment(judgments);
    const judgingCost = judgments.reduce((sum, judgment) => sum + judgment.costUsd, 0);
    const result = attemptOutcome(judged.analysis.overallScore, current.score, policy, judged.analysis.recommendation);
    const attempt: RegenerationAttempt = {
      attemptNumber,
      round: 1,
      timestamp: new Date().toISOString(),
      provider,
      prompt,
      result,
      scoreBefore: current.score,
      scoreAfter: judged.analysis.overallScore,
      analysisResult: judged.analysis,
      assetUrl: asset.url,
      asset,
      costUsd: output.costUsd + judgingCost,
      judgments: judgments.map((judgment) => ({ score: judgment.analysis.overallScore, costUsd: judgment.costUsd })),
    };
    attempts.push(attempt);
    if (result !== 'failed') current = { score: attempt.scoreAfter, analysis: judged.analysis, assetUrl: asset.url };
    await call(activities.recordAttempt, { workflowId, runId: 'plain', sceneId: scene.id, projectId: scene.projectId, attempt });
    if (result === 'success') {
      await call(activities.saveSceneOutcome, {
        workflowId,
        runId: 'plain',
        sceneId: scene.id,
        outcome: 'passed',
        finalScore: current.score,
        needsUserReview: false,
        asset: { url: asset.url, provider, ref: asset },
        analysis: judged.analysis,
      });
      return calls;
    }
  }
  await call(activities.escalateToReview, {
    workflowId,
    runId: 'plain',
    round: 1,
    sceneId: scene.id,
    projectId: scene.projectId,
    sceneIndex: scene.sceneIndex,
    reason: 'auto_regeneration_failed',
    bestScore: current.score,
    attempts,
    escalatedAt: new Date().toISOString(),
  });
  return calls;
}
