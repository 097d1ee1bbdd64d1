/** CONTRACT.md's workflow names and ids, so every starter, signaller and query agrees. */
export const REGENERATE_SCENE_WORKFLOW = 'regenerateSceneWorkflow';
export const SCENE_ASSET_WORKFLOW = 'sceneAssetWorkflow';

export function regenerationWorkflowId(sceneId: number): string {
  return `regenerate-scene-${sceneId}`;
}

export function sceneAssetWorkflowId(sceneId: number): string {
  return `scene-asset-${sceneId}`;
}
