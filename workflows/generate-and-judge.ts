import { sleep } from '@temporalio/workflow';
import type { AssetRef } from '../src/domain/asset';
import type { SceneAnalysisResult } from '../src/domain/analysis';
import type { BrandProfile } from '../src/domain/brand';
import type { ProviderName } from '../src/domain/provider';
import { DEFAULT_ASPECT_RATIO, type Scene } from '../src/domain/scene';
import type { GenerationRequest, GenerationTask, ProviderBusy, SceneKind } from '../src/domain/activity-types';
import { analyzeAsset, awaitGeneration, storeAsset, submitGeneration } from './activities';

export interface GenerationPlan {
  idempotencyKey: string;
  provider: ProviderName;
  prompt: string;
  kind: SceneKind;
  scene: Scene;
  brandProfile?: BrandProfile;
  minScoreToPass: number;
  /** Names the attempt in the Web UI's activity summaries, e.g. "attempt 2 · luma". */
  label: string;
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

/**
 * The work of one attempt: submit once the provider has room, await the provider's task (its id
 * is in history, so a retry resumes it rather than paying again), copy the output into our
 * store, judge it.
 */
export async function generateAndJudge(plan: GenerationPlan, receipt: Receipt): Promise<JudgedAsset> {
  const { scene, kind } = plan;
  const aspectRatio = scene.aspectRatio ?? DEFAULT_ASPECT_RATIO;
  const durationSeconds = kind === 'video' ? scene.duration : 0;
  // The Web UI lists activities by type only; a summary says which attempt and provider each is.
  const summary = (step: string) => ({ summary: `${plan.label} · ${step}` });
  const task = await submitWhenProviderHasRoom(summary('submit'), {
    provider: plan.provider,
    prompt: plan.prompt,
    kind,
    durationSeconds,
    aspectRatio,
    idempotencyKey: plan.idempotencyKey,
  });
  receipt.providerTaskId = task.taskId;
  const output = await awaitGeneration.executeWithOptions(summary('await'), [task]);
  receipt.costUsd += output.costUsd;
  const asset = await storeAsset.executeWithOptions(summary('store'), [
    { url: output.outputUrl, sceneId: scene.id, expectedKind: kind },
  ]);
  const judged = await analyzeAsset.executeWithOptions(summary('judge'), [
    {
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
    },
  ]);
  receipt.costUsd += judged.costUsd;
  return { asset, analysis: judged.analysis };
}

/** Costs are fractions of a cent per image; six decimals keep sums exact enough. */
export function roundUsd(usd: number): number {
  return Math.round(usd * 1e6) / 1e6;
}

// Each ask costs about ten history events. Waits grow gently (×1.25) so a place freed by a
// seconds-long image is taken soon, and stop at 15 s so a queue behind minutes-long videos
// adds about forty events a minute, far from Temporal's history limits.
const BUSY_WAIT_GROWTH = 1.25;
const LONGEST_BUSY_WAIT_MS = 15_000;

/**
 * Submits once the provider has room under its concurrency limit. The wait between asks is a
 * durable timer: it holds no worker slot, survives restarts and shows in the history.
 */
async function submitWhenProviderHasRoom(
  options: { summary: string },
  request: GenerationRequest,
): Promise<GenerationTask> {
  for (let waits = 0; ; waits++) {
    const answer = await submitGeneration.executeWithOptions(options, [request]);
    if (!isBusy(answer)) return answer;
    await sleep(Math.round(Math.min(LONGEST_BUSY_WAIT_MS, answer.retryAfterMs * BUSY_WAIT_GROWTH ** waits)));
  }
}

function isBusy(answer: GenerationTask | ProviderBusy): answer is ProviderBusy {
  return 'busy' in answer && answer.busy;
}
