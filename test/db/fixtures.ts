import type { SceneAnalysisResult } from '../../src/domain/analysis';
import type { RegenerationAttempt } from '../../src/domain/regeneration';
import type { AssetRef } from '../../src/domain/asset';
import type { SaveSceneRequest } from '../../src/domain/round-steps';
import { regenerationWorkflowId } from '../../src/domain/workflow-ids';

export const PROJECT_ID = 7;
export const SCENE_ID = 42;
export const WORKFLOW_ID = regenerationWorkflowId(SCENE_ID);

export function analysis(overallScore: number, description = 'cold clinical lighting'): SceneAnalysisResult {
  return {
    overallScore,
    recommendation: overallScore >= 70 ? 'approve' : 'regenerate',
    issues: overallScore >= 70 ? [] : [{ category: 'brand_compliance', severity: 'medium', description }],
    improvedPrompt: 'a red bicycle in warm light',
  };
}

export function sceneRequest(overrides: Partial<SaveSceneRequest['scene']> = {}): SaveSceneRequest {
  return {
    scene: {
      id: SCENE_ID,
      projectId: PROJECT_ID,
      sceneIndex: 3,
      sceneType: 'broll',
      contentType: 'product',
      narration: 'Meet the bicycle.',
      visualDirection: 'a red bicycle leaning on a wall',
      duration: 5,
      provider: 'kling',
      aspectRatio: '16:9',
      ...overrides,
    },
    project: { id: PROJECT_ID, name: 'Spring launch', brandProfile: { lightingFix: 'golden hour light' } },
  };
}

export function assetRef(name: string): AssetRef {
  return {
    url: `http://localhost:3000/assets/${name}.mp4`,
    key: `${name}.mp4`,
    sha256: name.padEnd(64, '0'),
    sizeBytes: 1234,
    mediaType: 'video/mp4',
    width: 1280,
    height: 720,
    durationSeconds: 5,
  };
}

export function attempt(
  round: number,
  attemptNumber: number,
  scoreAfter: number,
  extra: Partial<RegenerationAttempt> = {},
): RegenerationAttempt {
  return {
    attemptNumber,
    round,
    timestamp: new Date(Date.UTC(2025, 0, 1, 0, round, attemptNumber)).toISOString(),
    provider: attemptNumber === 1 ? 'kling' : 'runway',
    prompt: `attempt ${round}.${attemptNumber}`,
    result: scoreAfter >= 70 ? 'success' : 'failed',
    scoreBefore: 50,
    scoreAfter,
    analysisResult: analysis(scoreAfter),
    assetUrl: `http://localhost:3000/assets/r${round}a${attemptNumber}.mp4`,
    costUsd: 0.5,
    providerTaskId: `task-${round}-${attemptNumber}`,
    ...extra,
  };
}
