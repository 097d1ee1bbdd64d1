import type { AssetRef } from '../src/domain/asset';
import type { SceneAnalysisResult } from '../src/domain/analysis';
import type { BrandProfile } from '../src/domain/brand';
import type { ProviderName } from '../src/domain/provider';
import type { SceneKind } from '../src/domain/activity-types';
import { analyzeAsset, awaitGeneration, storeAsset } from './activities';
import { submitWhenProviderHasRoom } from './submit-when-free';

export interface SceneFacts {
  id: number;
  sceneType: string;
  contentType: string;
  narration: string;
  visualDirection: string;
  duration: number;
  aspectRatio?: string;
}

export interface GenerationPlan {
  idempotencyKey: string;
  provider: ProviderName;
  prompt: string;
  kind: SceneKind;
  scene: SceneFacts;
  brandProfile?: BrandProfile;
  minScoreToPass: number;
}

/** Filled in as the steps complete, so a later failure still knows what was already paid. */
export interface Receipt {
  costUsd: number;
  providerTaskId?: string;
}

export interface JudgedAsset {
  asset: AssetRef;
  analysis: SceneAnalysisResult;
}

/** Generate (submit, then await so the task id is in history), copy into our store, judge. */
export async function generateAndJudge(plan: GenerationPlan, receipt: Receipt): Promise<JudgedAsset> {
  const { scene, kind } = plan;
  const aspectRatio = scene.aspectRatio ?? '16:9';
  const durationSeconds = kind === 'video' ? scene.duration : 0;
  const task = await submitWhenProviderHasRoom({
    provider: plan.provider,
    prompt: plan.prompt,
    kind,
    durationSeconds,
    aspectRatio,
    idempotencyKey: plan.idempotencyKey,
  });
  receipt.providerTaskId = task.taskId;
  const output = await awaitGeneration(task);
  receipt.costUsd += output.costUsd;
  const asset = await storeAsset({ url: output.outputUrl, sceneId: scene.id, expectedKind: kind });
  const judged = await analyzeAsset({
    asset,
    scene: {
      id: scene.id,
      sceneType: scene.sceneType,
      contentType: scene.contentType,
      narration: scene.narration,
      visualDirection: scene.visualDirection,
      duration: durationSeconds,
      aspectRatio,
    },
    prompt: plan.prompt,
    brandProfile: plan.brandProfile,
    minScoreToPass: plan.minScoreToPass,
  });
  receipt.costUsd += judged.costUsd;
  return { asset, analysis: judged.analysis };
}

/** Costs are fractions of a cent per image; six decimals keep sums exact enough. */
export function roundUsd(usd: number): number {
  return Math.round(usd * 1e6) / 1e6;
}
