import { randomUUID } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import type { SceneActivities } from '../../activities';
import type { RegenerateSceneInput } from '../../src/domain/inputs';
import type { RegenerationState, RegenerationStatus } from '../../src/domain/regeneration';
import { getRegenerationStateQuery } from '../../workflows/messages';
import { regenerateSceneWorkflow } from '../../workflows';
import { completedCount, historyEvents, scheduledCount } from './history';
import { testEnv } from './temporal';
import { waitUntilAsync } from './wait-async';
import { workflowBundle } from './workflow-bundle';
import { regenerationWorkflowId } from '../../src/domain/workflow-ids';

export interface RunContext {
  client: Client;
  taskQueue: string;
  start(input: RegenerateSceneInput): Promise<WorkflowHandle<typeof regenerateSceneWorkflow>>;
}

/** Runs `body` with a worker of its own (own task queue) over the given activities. */
export async function withWorker<T>(activities: SceneActivities, body: (ctx: RunContext) => Promise<T>): Promise<T> {
  const env = await testEnv();
  const taskQueue = `test-${randomUUID()}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities,
  });
  const ctx: RunContext = {
    client: env.client,
    taskQueue,
    start: (input) =>
      env.client.workflow.start(regenerateSceneWorkflow, {
        taskQueue,
        workflowId: regenerationWorkflowId(input.scene.id),
        args: [input],
      }),
  };
  return worker.runUntil(body(ctx));
}

/** Polls the query until the round reaches `status` (test-side polling; the workflow itself never polls). */
export async function waitForStatus(
  handle: WorkflowHandle,
  status: RegenerationStatus,
  timeoutMs = 20_000,
  also: (state: RegenerationState) => boolean = () => true,
): Promise<RegenerationState> {
  const deadline = Date.now() + timeoutMs;
  let last: RegenerationState | undefined;
  while (Date.now() < deadline) {
    last = await handle.query(getRegenerationStateQuery);
    if (last.status === status && also(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`round did not reach ${status}; last state: ${JSON.stringify(last)}`);
}

/**
 * Waits until the round awaits review and its queue entry is written: the status turns
 * awaiting_review in the workflow task that schedules escalateToReview, so a reader of the
 * database can look between the two. A query is answered only between workflow tasks, so once
 * it shows the status, the escalation is in the history to wait for.
 */
export async function waitForReviewEntry(handle: WorkflowHandle, timeoutMs = 60_000): Promise<RegenerationState> {
  const state = await waitForStatus(handle, 'awaiting_review', timeoutMs);
  await waitUntilAsync(async () => {
    const events = await historyEvents(handle);
    const scheduled = scheduledCount(events, 'escalateToReview');
    return scheduled > 0 && completedCount(events, 'escalateToReview') === scheduled;
  }, timeoutMs, 'the review queue entry');
  return state;
}

/** Waits for something an activity does after the workflow state already shows it. */
export async function waitUntil(predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
