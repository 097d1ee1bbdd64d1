import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { z } from 'zod';
import { ProjectRefSchema } from '../domain/brand';
import { PartialPolicySchema } from '../domain/policy';
import { PipelineSceneSchema, type SceneAssetInput } from '../domain/scene';
import { SCENE_ASSET_WORKFLOW, sceneAssetWorkflowId } from '../domain/workflow-ids';
import type { sceneAssetWorkflow } from '../../workflows/scene-asset';

/** What the pipeline hands over for a whole video: the project once, then its scenes in order. */
export const StoryboardSchema = z
  .object({
    project: ProjectRefSchema,
    policy: PartialPolicySchema.optional(),
    scenes: z
      .array(
        // Inside a storyboard a scene's project and place are implied by the file itself.
        PipelineSceneSchema.extend({
          projectId: PipelineSceneSchema.shape.projectId.optional(),
          sceneIndex: PipelineSceneSchema.shape.sceneIndex.optional(),
        }),
      )
      .min(1)
      .max(1000),
  })
  .superRefine((storyboard, context) => {
    const seen = new Set<number>();
    storyboard.scenes.forEach((scene, index) => {
      if (seen.has(scene.id)) {
        context.addIssue({ code: 'custom', path: ['scenes', index, 'id'], message: `scene id ${scene.id} appears twice` });
      }
      seen.add(scene.id);
      if (scene.projectId !== undefined && scene.projectId !== storyboard.project.id) {
        context.addIssue({
          code: 'custom',
          path: ['scenes', index, 'projectId'],
          message: `scene ${scene.id} names project ${scene.projectId}, the storyboard is project ${storyboard.project.id}`,
        });
      }
    });
  });
export type Storyboard = z.infer<typeof StoryboardSchema>;

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
  for (const [index, scene] of storyboard.scenes.entries()) {
    const input: SceneAssetInput = {
      scene: { ...scene, projectId: project.id, sceneIndex: scene.sceneIndex ?? index },
      project,
      ...(policy ? { policy } : {}),
    };
    started.push(await startSceneAsset(client, taskQueue, input));
  }
  return started;
}
