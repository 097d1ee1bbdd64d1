import type { Client } from '@temporalio/client';
import { UserDecisionSchema, type RegenerationState, type UserDecision } from '../domain/regeneration';
import { regenerationWorkflowId } from '../domain/workflow-ids';
import { queryRegenerationState, signalDecision } from './regeneration-round';

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
  const parsed = UserDecisionSchema.safeParse(rawDecision);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'decision'}: ${issue.message}`);
    throw new CommandError(`Invalid decision: ${problems.join('; ')}`);
  }
  const decision = parsed.data;
  const state = await showRegenerationState(client, sceneId);
  if (state.status !== 'awaiting_review') {
    throw new CommandError(`The round for scene ${sceneId} is ${state.status}, not awaiting review`);
  }
  if (decision.action === 'approve' && decision.attemptNumber !== undefined && decision.attemptNumber > 0) {
    const attempt = state.attempts.find((a) => a.round === state.round && a.attemptNumber === decision.attemptNumber);
    if (!attempt?.assetUrl) {
      throw new CommandError(`Round ${state.round} has no attempt ${decision.attemptNumber} with an asset to approve`);
    }
  }
  const workflowId = regenerationWorkflowId(sceneId);
  await signalDecision(client, { workflowId }, decision);
  return { workflowId, decision };
}
