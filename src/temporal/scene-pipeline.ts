import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Storyboard } from '../domain/input-checks';
import type { SceneAssetInput } from '../domain/inputs';
import { SCENE_ASSET_WORKFLOW, sceneAssetWorkflowId } from '../domain/workflow-ids';
import type { sceneAssetWorkflow } from '../../workflows/scene-asset';

export interface StartedScene {
  sceneId: number;
  workflowId: string;
  /** Absent when the scene's pipeline step was already running and was left alone. */
  runId?: string;
  status: 'started' | 'already_running';
}

export async function startSceneAsset(client: Client, taskQueue: string, input: SceneAssetInput): Promise<StartedScene> {
  const sceneId = input.scene.id;
  const workflowId = sceneAssetWorkflowId(sceneId);
  try {
    const handle = await client.workflow.start<typeof sceneAssetWorkflow>(SCENE_ASSET_WORKFLOW, {
      taskQueue,
      workflowId,
      args: [input],
    });
    return { sceneId, workflowId, runId: handle.firstExecutionRunId, status: 'started' };
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return { sceneId, workflowId, status: 'already_running' };
    throw error;
  }
}

/** One pipeline step per scene; a scene already in progress is reported, not started twice. */
export async function startStoryboard(client: Client, taskQueue: string, storyboard: Storyboard): Promise<StartedScene[]> {
  const { project, policy } = storyboard;
  const started: StartedScene[] = [];
  for (const scene of storyboard.scenes) {
    const input: SceneAssetInput = {
      scene,
      project,
      ...(policy ? { policy } : {}),
    };
    started.push(await startSceneAsset(client, taskQueue, input));
  }
  return started;
}
