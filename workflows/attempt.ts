import { ActivityFailure, ApplicationFailure, isCancellation } from '@temporalio/workflow';
import type { SceneAnalysisResult } from '../src/domain/analysis';
import type { BrandProfile } from '../src/domain/brand';
import type { RegenerationPolicy } from '../src/domain/policy';
import type { ProviderName } from '../src/domain/provider';
import type { AttemptFailure, RegenerationAttempt } from '../src/domain/regeneration';
import type { SceneForRegeneration } from '../src/domain/scene';
import type { SceneKind } from '../src/domain/activity-types';
import { analyzeAsset, awaitGeneration, storeAsset, submitGeneration } from './activities';
import { attemptOutcome } from './strategy';

/** What the scene stands on now: its own asset before the round, or the last attempt that beat it. */
export interface CurrentAsset {
  score: number;
  analysis: SceneAnalysisResult;
  assetUrl?: string;
  provider: ProviderName;
  /** The attempt that produced it, within its round; absent for the asset the round started from. */
  attemptNumber?: number;
}

export interface AttemptPlan {
  idempotencyKey: string;
  round: number;
  attemptNumber: number;
  provider: ProviderName;
  prompt: string;
  kind: SceneKind;
  scene: SceneForRegeneration;
  brandProfile?: BrandProfile;
  policy: RegenerationPolicy;
  current: CurrentAsset;
}

/**
 * Generate, store and analyse one attempt. Any activity failure (after its own retries) makes a
 * failed attempt with its reason; the round goes on. Only cancellation and bugs propagate.
 */
export async function runAttempt(plan: AttemptPlan): Promise<RegenerationAttempt> {
  const { scene, current, policy } = plan;
  const base = {
    attemptNumber: plan.attemptNumber,
    round: plan.round,
    timestamp: new Date().toISOString(),
    provider: plan.provider,
    prompt: plan.prompt,
    scoreBefore: current.score,
  };
  let costUsd = 0;
  let providerTaskId: string | undefined;
  try {
    const task = await submitGeneration({
      provider: plan.provider,
      prompt: plan.prompt,
      kind: plan.kind,
      durationSeconds: plan.kind === 'video' ? scene.duration : 0,
      aspectRatio: scene.aspectRatio ?? '16:9',
      idempotencyKey: plan.idempotencyKey,
    });
    providerTaskId = task.taskId;
    const output = await awaitGeneration(task);
    costUsd += output.costUsd;
    const asset = await storeAsset({ url: output.outputUrl, sceneId: scene.id, expectedKind: plan.kind });
    const judged = await analyzeAsset({
      asset,
      scene: {
        id: scene.id,
        sceneType: scene.sceneType,
        contentType: scene.contentType,
        narration: scene.narration,
        visualDirection: scene.visualDirection,
        duration: plan.kind === 'video' ? scene.duration : 0,
        aspectRatio: scene.aspectRatio ?? '16:9',
      },
      prompt: plan.prompt,
      brandProfile: plan.brandProfile,
      minScoreToPass: policy.minScoreToPass,
    });
    costUsd += judged.costUsd;
    const score = judged.analysis.overallScore;
    return {
      ...base,
      result: attemptOutcome(score, current.score, policy),
      scoreAfter: score,
      analysisResult: judged.analysis,
      assetUrl: asset.url,
      costUsd: roundCents(costUsd),
      providerTaskId,
    };
  } catch (error) {
    if (isCancellation(error) || !(error instanceof ActivityFailure)) throw error;
    return {
      ...base,
      result: 'failed',
      // No asset was judged, so there is no score to report for this attempt.
      scoreAfter: 0,
      failure: describeFailure(error),
      costUsd: roundCents(costUsd),
      providerTaskId,
    };
  }
}

function describeFailure(error: ActivityFailure): AttemptFailure {
  const cause = error.cause;
  if (cause instanceof ApplicationFailure) {
    return { type: cause.type ?? 'unknown', message: cause.message };
  }
  return { type: cause?.name ?? 'activity_failed', message: cause?.message ?? error.message };
}

/** Costs are fractions of a cent per image; keep six decimals so sums stay exact enough. */
function roundCents(usd: number): number {
  return Math.round(usd * 1e6) / 1e6;
}
