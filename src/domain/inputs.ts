import type { ProjectRef } from './brand';
import type { PartialPolicy } from './policy';
import type { PipelineScene, SceneForRegeneration } from './scene';

/** CONTRACT.md's input of `regenerateSceneWorkflow`. */
export interface RegenerateSceneInput {
  scene: SceneForRegeneration;
  project?: ProjectRef;
  policy?: PartialPolicy;
  trigger?: 'auto' | 'manual';
  requestedBy?: string;
  /** Added field: a person's prompt for the first round (manual regeneration). */
  customPrompt?: string;
}

/** CONTRACT.md's input of `sceneAssetWorkflow`: what the pipeline sends for one scene. */
export interface SceneAssetInput {
  scene: PipelineScene;
  project?: ProjectRef;
  policy?: PartialPolicy;
}
