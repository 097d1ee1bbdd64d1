import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { RoundInProgress } from '../domain/round-steps';
import { regenerationWorkflowId } from '../domain/workflow-ids';
import { RegenStatusKey } from '../domain/search-attributes';

/**
 * The scene's regeneration round when its latest run is still running, with the status its
 * search attribute mirrors; undefined when no run of it is running. Shared by the pipeline's
 * check (an activity), the cancel route and the reconciler.
 */
export async function findRoundInProgress(client: Client, sceneId: number): Promise<RoundInProgress | undefined> {
  const workflowId = regenerationWorkflowId(sceneId);
  try {
    const described = await client.workflow.getHandle(workflowId).describe();
    if (described.status.name !== 'RUNNING') return undefined;
    const status = described.typedSearchAttributes.get(RegenStatusKey) ?? 'regenerating';
    return { workflowId, runId: described.runId, status };
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
}
