// The bundle entry: every workflow the worker runs, and nothing else.
export { regenerateSceneWorkflow } from './regenerate-scene';
export { sceneAssetWorkflow } from './scene-asset';
export { deliverNotificationWorkflow } from './deliver-notification';
