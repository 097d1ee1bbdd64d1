import {
  QueryNotRegisteredError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  type Client,
} from '@temporalio/client';
import type { RegenerationState, UserDecision } from '../domain/regeneration';
import type { RegenerateSceneInput } from '../domain/inputs';
import { REGENERATE_SCENE_WORKFLOW, regenerationWorkflowId } from '../domain/workflow-ids';
import type { regenerateSceneWorkflow } from '../../workflows/regenerate-scene';
import { getRegenerationStateQuery, userDecisionSignal } from '../../workflows/messages';
import { findRoundInProgress } from './round-status';
import { roundSummary } from '../rules/round-story';

/*
 * Everything a program outside the worker does to a regeneration round: start it, ask where it
 * stands, send a reviewer's decision. Shared by the HTTP API and the operator CLI.
 */

export interface WorkflowRef {
  workflowId: string;
  runId: string;
}

/** The start found a round for this scene still running: CONTRACT.md's "already started". */
export class RoundAlreadyRunningError extends Error {
  override readonly name = 'RoundAlreadyRunningError';
  constructor(
    readonly sceneId: number,
    readonly workflowId: string,
  ) {
    super(`A regeneration round is already running for scene ${sceneId} (${workflowId})`);
  }
}

/** The round a signal was meant for is gone: never started, finished, or terminated. */
export class RoundNotRunningError extends Error {
  override readonly name = 'RoundNotRunningError';
  constructor(readonly workflowId: string) {
    super(`The regeneration round ${workflowId} is not running`);
  }
}

export async function startRegenerationRound(
  client: Client,
  taskQueue: string,
  input: RegenerateSceneInput,
): Promise<WorkflowRef> {
  const workflowId = regenerationWorkflowId(input.scene.id);
  try {
    // By name, so callers need not load the workflow code itself.
    const handle = await client.workflow.start<typeof regenerateSceneWorkflow>(REGENERATE_SCENE_WORKFLOW, {
      taskQueue,
      workflowId,
      args: [input],
      staticSummary: roundSummary(input.scene, input.project?.name),
    });
    return { workflowId, runId: handle.firstExecutionRunId };
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) throw new RoundAlreadyRunningError(input.scene.id, workflowId);
    throw error;
  }
}

/*
 * Signals, cancels and queries name the workflow id only: Temporal delivers them to its latest
 * run, so one sent while the round continues as new (or an operator resets it) reaches the run
 * that carries the round on, never one that just ended.
 */

/**
 * The state of the scene's latest round; undefined when there never was one, or it ended before
 * it could answer (input it refused).
 */
export async function queryRegenerationState(client: Client, sceneId: number): Promise<RegenerationState | undefined> {
  const handle = client.workflow.getHandle(regenerationWorkflowId(sceneId));
  try {
    // The client's own deadline (src/temporal/call-deadline.ts) bounds a worker that does not answer.
    return await handle.query(getRegenerationStateQuery);
  } catch (error) {
    if (error instanceof WorkflowNotFoundError || error instanceof QueryNotRegisteredError) return undefined;
    throw error;
  }
}

/**
 * Signals a decision. It is durable once this returns; whether the round carries it out is the
 * round's own check (CONTRACT.md: a decision that does not fit changes nothing).
 */
export async function signalDecision(client: Client, workflowId: string, decision: UserDecision): Promise<void> {
  try {
    await client.workflow.getHandle(workflowId).signal(userDecisionSignal, decision);
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) throw new RoundNotRunningError(workflowId);
    throw error;
  }
}

/**
 * Asks the scene's running round to cancel. The round itself records what it spent, closes its
 * queue entry and restores the scene (SPEC.md "How a round ends"); this only delivers the request.
 * Answers the run that was running when asked.
 */
export async function cancelRound(client: Client, sceneId: number): Promise<WorkflowRef> {
  const running = await findRoundInProgress(client, sceneId);
  if (running === undefined) throw new RoundNotRunningError(regenerationWorkflowId(sceneId));
  try {
    await client.workflow.getHandle(running.workflowId).cancel();
  } catch (error) {
    // It ended between the look and the request.
    if (error instanceof WorkflowNotFoundError) throw new RoundNotRunningError(running.workflowId);
    throw error;
  }
  return { workflowId: running.workflowId, runId: running.runId };
}
