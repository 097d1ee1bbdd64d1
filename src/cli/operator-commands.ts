import type { Client } from '@temporalio/client';
import { checkUserDecision } from '../domain/input-checks';
import type { RegenerationState, UserDecision } from '../domain/regeneration';
import { decisionProblem } from '../rules/decision';
import { regenerationWorkflowId } from '../domain/workflow-ids';
import { cancelRound, queryRegenerationState, RoundNotRunningError, signalDecision, type WorkflowRef } from '../temporal/regeneration-round';

/** A mistake the operator can fix (bad arguments, wrong moment); shown without a stack trace. */
export class CommandError extends Error {
  override readonly name = 'CommandError';
}

export async function showRegenerationState(client: Client, sceneId: number): Promise<RegenerationState> {
  const state = await queryRegenerationState(client, sceneId);
  if (state === undefined) throw new CommandError(`Scene ${sceneId} has no regeneration round (${regenerationWorkflowId(sceneId)})`);
  return state;
}

/**
 * Sends a decision after checking what the round would check, so the operator hears at once why
 * a decision would be ignored instead of finding it in the worker's log.
 */
export async function decide(
  client: Client,
  sceneId: number,
  rawDecision: unknown,
): Promise<{ workflowId: string; decision: UserDecision }> {
  const checked = checkUserDecision(rawDecision);
  if (!checked.ok) throw new CommandError(`Invalid decision: ${checked.problems.join('; ')}`);
  const decision = checked.value;
  const state = await showRegenerationState(client, sceneId);
  if (state.status !== 'awaiting_review') {
    throw new CommandError(`The round for scene ${sceneId} is ${state.status}, not awaiting review`);
  }
  const problem = decisionProblem(
    decision,
    state.attempts.filter((a) => a.round === state.round),
  );
  if (problem !== undefined) throw new CommandError(`Round ${state.round}: ${problem}`);
  const workflowId = regenerationWorkflowId(sceneId);
  await signalDecision(client, workflowId, decision);
  return { workflowId, decision };
}

/** Asks the scene's running round to cancel; the round does the cleaning up itself. */
export async function cancel(client: Client, sceneId: number): Promise<WorkflowRef & { cancelRequested: true }> {
  try {
    return { ...(await cancelRound(client, sceneId)), cancelRequested: true };
  } catch (error) {
    if (error instanceof RoundNotRunningError) throw new CommandError(`Scene ${sceneId} has no regeneration round running`);
    throw error;
  }
}
