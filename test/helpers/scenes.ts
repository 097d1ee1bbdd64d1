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
