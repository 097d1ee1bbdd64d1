import { z } from 'zod';
import { ProviderNameSchema } from './provider';
import { SceneAnalysisResultSchema } from './analysis';
import { ProjectRefSchema } from './brand';
import { PartialPolicySchema } from './policy';

export const SceneForRegenerationSchema = z.object({
  id: z.number().int().positive(),
  projectId: z.number().int().positive(),
  sceneIndex: z.number().int().min(0),
  sceneType: z.string(),
  contentType: z.string(),
  narration: z.string(),
  visualDirection: z.string().min(1),
  /** Seconds; 0 means a still image. */
  duration: z.number().min(0),
  currentProvider: ProviderNameSchema,
  currentAssetUrl: z.string().optional(),
  analysisResult: SceneAnalysisResultSchema,
  /** Added field: the frame shape the scene needs, such as "16:9". */
  aspectRatio: z.string().optional(),
});
export type SceneForRegeneration = z.infer<typeof SceneForRegenerationSchema>;

export const RegenerateSceneInputSchema = z.object({
  scene: SceneForRegenerationSchema,
  project: ProjectRefSchema.optional(),
  policy: PartialPolicySchema.optional(),
  trigger: z.enum(['auto', 'manual']).optional(),
  requestedBy: z.string().optional(),
  /** Added field: a person's prompt for the first round (manual regeneration). */
  customPrompt: z.string().optional(),
});
export type RegenerateSceneInput = z.infer<typeof RegenerateSceneInputSchema>;

export const PipelineSceneSchema = z.object({
  id: z.number().int().positive(),
  projectId: z.number().int().positive(),
  sceneIndex: z.number().int().min(0),
  sceneType: z.string(),
  contentType: z.string(),
  narration: z.string(),
  visualDirection: z.string().min(1),
  duration: z.number().min(0),
  provider: ProviderNameSchema,
  aspectRatio: z.string().optional(),
});
export type PipelineScene = z.infer<typeof PipelineSceneSchema>;

export const SceneAssetInputSchema = z.object({
  scene: PipelineSceneSchema,
  project: ProjectRefSchema.optional(),
  policy: PartialPolicySchema.optional(),
});
export type SceneAssetInput = z.infer<typeof SceneAssetInputSchema>;

/** The scene as the pipeline knows it, from the scene a round works on. */
export function pipelineSceneOf(scene: SceneForRegeneration): PipelineScene {
  return {
    id: scene.id,
    projectId: scene.projectId,
    sceneIndex: scene.sceneIndex,
    sceneType: scene.sceneType,
    contentType: scene.contentType,
    narration: scene.narration,
    visualDirection: scene.visualDirection,
    duration: scene.duration,
    provider: scene.currentProvider,
    ...(scene.aspectRatio ? { aspectRatio: scene.aspectRatio } : {}),
  };
}

/** The scene a round starts from: the pipeline's scene with its current provider, asset and analysis. */
export function sceneForRegeneration(
  scene: PipelineScene,
  current: { provider?: SceneForRegeneration['currentProvider']; assetUrl?: string; analysis: SceneForRegeneration['analysisResult'] },
): SceneForRegeneration {
  return {
    id: scene.id,
    projectId: scene.projectId,
    sceneIndex: scene.sceneIndex,
    sceneType: scene.sceneType,
    contentType: scene.contentType,
    narration: scene.narration,
    visualDirection: scene.visualDirection,
    duration: scene.duration,
    currentProvider: current.provider ?? scene.provider,
    analysisResult: current.analysis,
    ...(current.assetUrl ? { currentAssetUrl: current.assetUrl } : {}),
    ...(scene.aspectRatio ? { aspectRatio: scene.aspectRatio } : {}),
  };
}
