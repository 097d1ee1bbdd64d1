import type { SceneForRegeneration } from '../../src/domain/scene';
import type { RegenerateSceneInput } from '../../src/domain/inputs';

let nextSceneId = Math.floor(Date.now() % 1_000_000) * 100;

/** A unique scene id per test, so workflow ids never collide on the shared dev server. */
export function uniqueSceneId(): number {
  return ++nextSceneId;
}

export function sceneInput(overrides: Partial<SceneForRegeneration> = {}, extra: Partial<RegenerateSceneInput> = {}): RegenerateSceneInput {
  return {
    scene: {
      id: uniqueSceneId(),
      projectId: 7,
      sceneIndex: 2,
      sceneType: 'b-roll',
      contentType: 'nature',
      narration: 'Morning light over the valley.',
      visualDirection: 'A misty valley at sunrise',
      duration: 5,
      currentProvider: 'kling',
      currentAssetUrl: 'http://assets.test/assets/original.mp4',
      analysisResult: {
        overallScore: 40,
        recommendation: 'regenerate',
        issues: [{ category: 'brand_compliance', severity: 'medium', description: 'cold lighting' }],
      },
      ...overrides,
    },
    trigger: 'auto',
    ...extra,
  };
}

/**
 * An image round (falai, duration 0: no clip to render, probe or sample) whose visual direction
 * carries `marker`, for the scenario rules that script its scores.
 */
export function teapotImageRound(projectId: number, sceneIndex: number, marker: string, projectName: string): RegenerateSceneInput {
  return {
    scene: {
      id: uniqueSceneId(),
      projectId,
      sceneIndex,
      sceneType: 'b-roll',
      contentType: 'product',
      narration: 'The teapot that started it all.',
      visualDirection: `A copper teapot on a windowsill, ${marker}`,
      duration: 0,
      currentProvider: 'falai',
      analysisResult: { overallScore: 30, recommendation: 'regenerate', issues: [] },
    },
    project: { id: projectId, name: projectName },
  };
}
