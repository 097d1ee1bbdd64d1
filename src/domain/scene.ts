import type { SceneAnalysisResult } from './analysis';
import type { AssetRef } from './asset';
import type { ProviderName } from './provider';

/** What a scene is made as: a clip, or a still image (SPEC.md: a video scene has a duration and a video provider). */
export type SceneKind = 'video' | 'image';

/** What a scene needs of a provider: fixed by the scene, never by the provider a person would like. */
export interface SceneNeeds {
  kind: SceneKind;
  /** Seconds of video; 0 for a still. */
  durationSeconds: number;
  aspectRatio: string;
}

/**
 * What a scene is, whoever holds it (the pipeline, a round, the judge, the database): the one
 * definition of its fields. CONTRACT.md's two scene shapes add the provider in their own words.
 */
export interface Scene {
  id: number;
  projectId: number;
  sceneIndex: number;
  sceneType: string;
  contentType: string;
  narration: string;
  visualDirection: string;
  /** Seconds; 0 means a still image. */
  duration: number;
  /** Added field: the frame shape the scene needs, such as "16:9". */
  aspectRatio?: string;
}

/** CONTRACT.md's `SceneAssetInput.scene`: the scene as the pipeline sends it. */
export interface PipelineScene extends Scene {
  provider: ProviderName;
}

/** CONTRACT.md's `SceneForRegeneration`: the scene a round starts from. */
export interface SceneForRegeneration extends Scene {
  currentProvider: ProviderName;
  currentAssetUrl?: string;
  /**
   * Added field: our stored copy behind currentAssetUrl, when there is one, so that the round can
   * show the asset it started from in a pairwise comparison (SPEC.md "Judging and choosing").
   */
  currentAsset?: AssetRef;
  analysisResult: SceneAnalysisResult;
}

/** The frame shape asked of providers and checked by the judge when a scene names none. */
export const DEFAULT_ASPECT_RATIO = '16:9';

/** The scene's own fields, whatever shape carries them. */
function sceneOf(scene: Scene): Scene {
  return {
    id: scene.id,
    projectId: scene.projectId,
    sceneIndex: scene.sceneIndex,
    sceneType: scene.sceneType,
    contentType: scene.contentType,
    narration: scene.narration,
    visualDirection: scene.visualDirection,
    duration: scene.duration,
    ...(scene.aspectRatio ? { aspectRatio: scene.aspectRatio } : {}),
  };
}

/** The scene as the pipeline knows it, from the scene a round works on. */
export function pipelineSceneOf(scene: SceneForRegeneration): PipelineScene {
  return { ...sceneOf(scene), provider: scene.currentProvider };
}

/** The scene a round starts from: the pipeline's scene with its current provider, asset and analysis. */
export function sceneForRegeneration(
  scene: PipelineScene,
  current: { provider?: ProviderName; assetUrl?: string; asset?: AssetRef; analysis: SceneAnalysisResult },
): SceneForRegeneration {
  return {
    ...sceneOf(scene),
    currentProvider: current.provider ?? scene.provider,
    analysisResult: current.analysis,
    ...(current.assetUrl ? { currentAssetUrl: current.assetUrl } : {}),
    // Details that describe another asset than the URL would show the wrong one.
    ...(current.asset && current.asset.url === current.assetUrl ? { currentAsset: current.asset } : {}),
  };
}

/**
 * Where a scene stands, from the pipeline's first save to the end of its latest round. A
 * cancelled round gives the scene back the status it had, so `cancelled` is no scene status.
 */
export const SCENE_STATUSES = [
  'new',
  'analyzed',
  'regenerating',
  'awaiting_review',
  'passed',
  'approved',
  'rejected',
  'review_timed_out',
] as const;
export type SceneStatus = (typeof SCENE_STATUSES)[number];
