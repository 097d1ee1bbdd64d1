import type { AssetRef } from './asset';
import type { ProviderName } from './provider';
import type { SceneKind } from './scene';

/**
 * One generation, from submission to our stored copy (activities/generation.ts generateAsset).
 * Inputs and outputs are small JSON: references, never bytes, never secrets.
 */
export interface GenerateRequest {
  provider: ProviderName;
  prompt: string;
  kind: SceneKind;
  /** Seconds of video wanted; 0 for an image. */
  durationSeconds: number;
  aspectRatio: string;
  /** workflowId/runId/round/attempt: the same key never pays a provider twice. */
  idempotencyKey: string;
  sceneId: number;
  /**
   * Epoch milliseconds after which a generation that found no free place under
   * PROVIDER_CONCURRENCY gives up (`provider_busy`): set by the round when the attempt began.
   */
  submitBy: number;
  /** How long the provider may take once the task is submitted (src/rules/generation-wait.ts). */
  deadlineMs: number;
  /**
   * A repair: `prompt` is the instruction, and the provider edits this asset, the
   * round's current one: our stored copy when the round has it, else the URL it is served at.
   */
  edit?: { source?: AssetRef; sourceUrl?: string };
}

/** A provider task, as the submission ledger keeps it. */
export interface GenerationTask {
  provider: ProviderName;
  taskId: string;
  kind: SceneKind;
  durationSeconds: number;
}

export interface GeneratedAsset {
  asset: AssetRef;
  provider: ProviderName;
  taskId: string;
  /** What the provider bills for the task: its own report when it gives one, else the price table. */
  costUsd: number;
}

/**
 * Carried in the details of a generation's failure: the task it had started, if any, and what
 * the provider bills for it, so the failed attempt records the money spent.
 */
export interface GenerationFailureDetails {
  /** Where it failed: at the provider, or storing the provider's output in our store. */
  step?: 'generate' | 'store';
  taskId?: string;
  billedUsd?: number;
}

export interface CancelGenerationRequest {
  idempotencyKey: string;
}

/** What a cancelled generation leaves behind: its task, and what the provider bills for it. */
export interface CancelledGeneration {
  taskId?: string;
  billedUsd: number;
}

/**
 * The failure type of a look at a task that still runs, or of a wait for a free place: benign,
 * retried on the schedule the activity asks for; not a failure of the attempt.
 */
export const GENERATION_NOT_READY = 'generation_not_ready';
