import type { Client } from '@temporalio/client';
import type { Db } from '../db/database';
import { openReviewEntryForRun } from '../db/regeneration-writes';
import { REGENERATE_SCENE_WORKFLOW } from '../domain/workflow-ids';
import { RegenStatusKey } from '../domain/search-attributes';
import { waitingRunVerdict } from '../rules/ending';
import { getRegenerationStateQuery } from '../../workflows/messages';

/**
 * Runs of this deployment's task queue waiting for a person, as their search attribute says
 * (CONTRACT.md `RegenStatus`). Another deployment's rounds on the same namespace are its own
 * reconciler's: asking their runs a query would wait on workers this one does not know.
 */
function waitingRuns(taskQueue: string): string {
  return `WorkflowType = '${REGENERATE_SCENE_WORKFLOW}' AND TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Running' AND ${RegenStatusKey.name} = 'awaiting_review'`;
}

export interface WaitingRunsReport {
  /** Entries opened for a run that waited on an entry another run had closed. */
  opened: { entryId: number; runId: string; reopens: number }[];
  /** Runs Temporal did not answer for, left for a later pass. */
  skippedRuns: { workflowId: string; runId: string; reason: string }[];
}

/**
 * Every run waiting for review has a pending entry a reviewer can decide. A run without an entry
 * of its own either waits on a pending entry of an earlier run (the pending pass moves it) or on
 * one another run already closed: a reset to the review wait with the decision's signal left
 * out. For that run a new pending entry is opened, standing in for the closed one.
 * `callWithin` runs one call to the Temporal server under its deadline.
 */
export async function openEntriesForWaitingRuns(
  db: Db,
  client: Client,
  callWithin: <T>(call: () => Promise<T>) => Promise<T>,
  taskQueue: string,
): Promise<WaitingRunsReport> {
  const report: WaitingRunsReport = { opened: [], skippedRuns: [] };
  const waiting: { workflowId: string; runId: string }[] = [];
  try {
    await callWithin(async () => {
      for await (const run of client.workflow.list({ query: waitingRuns(taskQueue) })) waiting.push({ workflowId: run.workflowId, runId: run.runId });
    });
  } catch (error) {
    // Visibility not answering: the runs it did list are looked at, the rest on a later pass.
    report.skippedRuns.push({ workflowId: '', runId: '', reason: `listing the runs waiting for review: ${error instanceof Error ? error.message : String(error)}` });
  }
  for (const run of waiting) {
    try {
      await reconcileRun(run);
    } catch (error) {
      report.skippedRuns.push({ ...run, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  return report;

  async function reconcileRun({ workflowId, runId }: { workflowId: string; runId: string }): Promise<void> {
    const own = await db.kysely
      .selectFrom('review_queue')
      .select('id')
      .where('workflow_id', '=', workflowId)
      .where('run_id', '=', runId)
      .executeTakeFirst();
    if (own !== undefined) return;
    const state = await callWithin(() => client.workflow.getHandle(workflowId, runId).query(getRegenerationStateQuery));
    if (state.status !== 'awaiting_review' || state.reviewEntryId === undefined) return;
    const entry = await db.kysely
      .selectFrom('review_queue')
      .select(['status', 'run_id'])
      .where('id', '=', state.reviewEntryId)
      .executeTakeFirst();
    if (entry === undefined) return;
    const verdict = waitingRunVerdict({ entryPending: entry.status === 'pending', entryOfThisRun: entry.run_id === runId });
    if (verdict !== 'open_entry') return;
    const { opened, entryId } = await openReviewEntryForRun(db.kysely, { entryId: state.reviewEntryId, runId });
    if (opened) report.opened.push({ entryId: entryId!, runId, reopens: state.reviewEntryId });
  }
}
