import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import type { SceneActivities } from '../../activities';
import type { GeneratedAsset, GenerateRequest } from '../../src/domain/generation';
import type { RegenerationAttempt } from '../../src/domain/regeneration';
import type { AttemptContext, AttemptStart, RoundRef } from '../../src/domain/round-steps';
import type { RegenerateSceneInput } from '../../src/domain/inputs';
import { promptLimit } from '../../src/catalog/prompt-limit';
import { roundUsd } from '../../src/catalog/cost';
import { generationDeadlineMs, providerBusyDeadlineMs } from '../../src/rules/generation-wait';
import { judgingSettings } from '../../src/rules/judging';
import { attemptOutcome } from '../../src/rules/outcome';
import { resolvePolicy } from '../../src/rules/policy';
import { improvedPrompt } from '../../src/rules/prompt';
import { sceneNeeds } from '../../src/rules/provider-choice';

// The worker logs at WARN in these benchmarks; the plain loop must not pay for more.
const QUIET = new DefaultLogger('WARN');

/**
 * One regeneration round the way the original design ran it: a plain in-process loop over the
 * same activity functions and the same decisions, with no durability. A generation's "not
 * ready" is waited out here with a sleep, as Temporal's server would; each call runs inside a
 * mock activity context only because the activities read it (heartbeats, logging). Returns how
 * many activity calls it made.
 */
export async function plainRound(activities: SceneActivities, input: RegenerateSceneInput, workflowId: string): Promise<number> {
  let calls = 0;
  const call = <A extends unknown[], R>(fn: (...args: A) => Promise<R>, ...args: A): Promise<R> => {
    calls += 1;
    return new MockActivityEnvironment(undefined, { logger: QUIET }).run(fn, ...args);
  };
  const { scene } = input;
  const policy = resolvePolicy(input.policy);
  const needs = sceneNeeds(scene, scene.currentProvider);
  const ref: RoundRef = { workflowId, runId: 'plain', round: 1, sceneId: scene.id, projectId: scene.projectId };
  let current = { score: scene.analysisResult.overallScore, analysis: scene.analysisResult };
  const attempts: RegenerationAttempt[] = [];
  const context = (attemptNumber: number): AttemptContext => ({
    attemptNumber,
    roundProvider: scene.currentProvider,
    usedThisRound: attempts.map((a) => a.provider),
    roundSpentUsd: roundUsd(attempts.reduce((sum, a) => sum + (a.costUsd ?? 0), 0)),
    currentScore: current.score,
    contentType: scene.contentType,
    needs,
    policy,
  });

  let start: AttemptStart | undefined = await call(activities.openRound, {
    ref,
    saveScene: { scene: { ...scene, provider: scene.currentProvider }, project: input.project, current: { assetUrl: scene.currentAssetUrl, analysis: scene.analysisResult } },
    firstAttempt: context(1),
  });
  for (let attemptNumber = 1; start?.start; attemptNumber++) {
    const { provider } = start;
    const prompt = improvedPrompt({ attemptNumber, visualDirection: scene.visualDirection, analysis: current.analysis, maxLength: promptLimit(provider, needs.kind) });
    const deadlineMs = generationDeadlineMs(provider, needs.kind, policy.generationTimeout);
    const generated = await generateUntilDone(call, activities, {
      provider,
      prompt,
      kind: needs.kind,
      durationSeconds: needs.durationSeconds,
      aspectRatio: needs.aspectRatio,
      idempotencyKey: `${workflowId}/plain/1/${attemptNumber}`,
      sceneId: scene.id,
      submitBy: Date.now() + providerBusyDeadlineMs(deadlineMs),
      deadlineMs,
    });
    const judged = await call(activities.judgeAsset, {
      asset: generated.asset,
      scene: { ...scene, duration: needs.durationSeconds, aspectRatio: needs.aspectRatio },
      prompt,
      ...judgingSettings(policy),
    });
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
      assetUrl: generated.asset.url,
      asset: generated.asset,
      costUsd: roundUsd(generated.costUsd + judged.costUsd),
      judgments: judged.judgments,
    };
    attempts.push(attempt);
    if (result !== 'failed') current = { score: attempt.scoreAfter, analysis: judged.analysis };
    if (result === 'success') {
      const asset = { url: generated.asset.url, ref: generated.asset, provider, analysis: judged.analysis, score: attempt.scoreAfter };
      await call(activities.endRound, { ref, attempt, scene: { outcome: 'passed', asset } });
      return calls;
    }
    if (attemptNumber >= policy.maxAttempts) {
      await call(activities.escalateToReview, {
        ref,
        attempt,
        sceneIndex: scene.sceneIndex,
        reason: 'auto_regeneration_failed',
        bestScore: current.score,
        attempts,
        escalatedAt: new Date().toISOString(),
      });
      return calls;
    }
    start = await call(activities.recordAttempt, { ref, attempt, next: context(attemptNumber + 1) });
  }
  return calls;
}

/** Calls the generation until it is done, waiting between calls as long as it asks (Temporal's retries, in process). */
async function generateUntilDone(
  call: <A extends unknown[], R>(fn: (...args: A) => Promise<R>, ...args: A) => Promise<R>,
  activities: SceneActivities,
  request: GenerateRequest,
): Promise<GeneratedAsset> {
  for (;;) {
    try {
      return await call(activities.generateAsset, request);
    } catch (error) {
      if (!(error instanceof ApplicationFailure) || error.nonRetryable) throw error;
      const delay = typeof error.nextRetryDelay === 'number' ? error.nextRetryDelay : 1_000;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
