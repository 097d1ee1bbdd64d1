import type { ProjectRef } from './brand';
import type { PartialPolicy } from './policy';
import type { SceneAnalysisResult } from './analysis';
import type { AssetRef } from './asset';
import type { ProviderName } from './provider';
import type { RegenerationAttempt, UserDecision } from './regeneration';
import type { PipelineScene, Scene, SceneForRegeneration } from './scene';

/** CONTRACT.md's input of `regenerateSceneWorkflow`. */
export interface RegenerateSceneInput {
  scene: SceneForRegeneration;
  project?: ProjectRef;
  policy?: PartialPolicy;
  trigger?: 'auto' | 'manual';
  requestedBy?: string;
  /** Added field: a person's prompt for the first round (manual regeneration). */
  customPrompt?: string;
  /**
   * Added field: a person's provider for the first round (manual regeneration). The round's
   * only: `scene.currentProvider` stays the provider of the scene's asset, as stored.
   */
  provider?: ProviderName;
  /**
   * Added field, set only by the workflow itself when it continues as new between reviewer
   * rounds: where the round stands, so queries and the page see one continuous round.
   */
  carried?: CarriedRound;
}

/** An asset a round stands on: the scene's own before the round, or an attempt's. */
export interface RoundAsset {
  score: number;
  analysis: SceneAnalysisResult;
  assetUrl?: string;
  /** The stored copy's details, when this asset was stored during the round. */
  assetRef?: AssetRef;
  provider: ProviderName;
  /** The attempt that produced it, within its round; absent for the asset the round started from. */
  attemptNumber?: number;
}

export interface CarriedRound {
  /** The reviewer round the new run starts with. */
  round: number;
  /** Every attempt of every earlier round, as the query shows them. */
  attempts: RegenerationAttempt[];
  /** What the next round starts from (the best so far). */
  current: RoundAsset;
  /** The scene's asset from before the first round: what a cancellation gives back. */
  runStart: RoundAsset;
  /** The reviewer's prompt and provider for the next round. */
  personPrompt?: string;
  provider: ProviderName;
  /** Runs of this workflow id before this one, since the round began. */
  runsBefore: number;
  /** The reviewer's decision that sent the round back; the new run closes its entry as it opens the round. */
  decided?: { entryId: number; decision: UserDecision; decidedAt: string };
}

/** CONTRACT.md's input of `sceneAssetWorkflow`: what the pipeline sends for one scene. */
export interface SceneAssetInput {
  /**
   * Added: the provider may be left out; the pipeline step then chooses the first generation's
   * (the static map's best for the content type, or with policy.learnedFirstProvider the learned choice).
   */
  scene: PipelineScene | (Scene & { provider?: undefined });
  project?: ProjectRef;
  policy?: PartialPolicy;
}
