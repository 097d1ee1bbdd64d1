import type { ProjectView, SceneView } from '../domain/http-api';
import type { SceneAnalysisResult } from '../domain/analysis';
import { sceneForRegeneration } from '../domain/scene';
import type { RegenerateSceneInput } from '../domain/inputs';
import type { RegenerateBody } from './request-schemas';
import type { DecidedScene } from '../rules/decision';

/**
 * A manual round starts from the scene as stored: its latest asset and analysis, its project's
 * brand profile; the person's provider and prompt take the place of the scene's own for the
 * round only (SPEC.md "Manual regeneration": the scene keeps naming the provider of its asset).
 */
export function manualRegenerationInput(
  scene: SceneView & { analysis: SceneAnalysisResult },
  project: ProjectView | undefined,
  body: RegenerateBody,
  reviewer: string,
): RegenerateSceneInput {
  return {
    scene: sceneForRegeneration(scene, { assetUrl: scene.assetUrl, asset: scene.asset, analysis: scene.analysis }),
    project: {
      id: scene.projectId,
      ...(project?.name ? { name: project.name } : {}),
      ...(project?.brandProfile ? { brandProfile: project.brandProfile } : {}),
    },
    trigger: 'manual',
    requestedBy: reviewer,
    ...(body.customPrompt ? { customPrompt: body.customPrompt } : {}),
    ...(body.provider ? { provider: body.provider } : {}),
  };
}

/** The stored scene as a person's choice of provider is checked against (SPEC.md: kind, shape, length). */
export function decidedScene(scene: SceneView): DecidedScene {
  return {
    duration: scene.duration,
    currentProvider: scene.provider,
    ...(scene.aspectRatio ? { aspectRatio: scene.aspectRatio } : {}),
  };
}
