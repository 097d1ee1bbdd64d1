import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Db } from '../db/database';
import { moveReviewEntryToRun, restoreSceneAfterRunGone, supersedeReviewEntry } from '../db/regeneration-writes';
import { getRegenerationStateQuery } from '../../workflows/messages';
import { reconcileVerdict } from '../rules/ending';
import { AUDIT_REASON } from '../rules/audit';
import { openEntriesForWaitingRuns, type WaitingRunsReport } from './waiting-run-entries';

/** What one pass did, entry by entry, for the log and the CLI. */
export interface ReconcileReport extends WaitingRunsReport {
  checked: number;
  /** Entries left for a later pass: Temporal did not answer for them. */
  skipped: { entryId: number; reason: string }[];
  moved: { entryId: number; runId: string }[];
  superseded: { entryId: number; reason: string }[];
  /** Scenes whose round's run is gone without its ending, and the status they got back. */
  restored: { sceneId: number; status: string }[];
  /** Scenes left for a later pass: Temporal did not answer for their round. */
  skippedScenes: { sceneId: number; reason: string }[];
}

const PAGE = 200;

/**
 * Closes the pending review entries whose run can no longer carry a decision out: the run was
 * terminated, reset (Temporal ends the old run) or failed. Every normal ending closes its own
 * entry before the run ends, so a pending entry of a closed run is exactly one of these. When the
 * workflow id's newest run waits on the same entry (a reset inside the review wait copies the
 * escalation into the new run), the entry is moved to that run instead. A scene left
 * regenerating or awaiting review by a run that is gone gets back its status from before the
 * round. Then every run waiting for review gets an entry a reviewer can decide
 * (src/web/waiting-run-entries.ts). One pass reads every pending entry and every scene a round
 * holds; what it cannot tell (Temporal or a worker not answering) it leaves for the next.
 */
export async function reconcileReviewEntries(
  db: Db,
  client: Client,
  scope: { callTimeoutMs: number; taskQueue: string },
): Promise<ReconcileReport> {
  const { callTimeoutMs, taskQueue } = scope;
  const report: ReconcileReport = { checked: 0, skipped: [], moved: [], superseded: [], restored: [], skippedScenes: [], opened: [], skippedRuns: [] };
  // Every call to Temporal has a deadline, so one that is not answered cannot hold the pass.
  const callWithin = <T>(call: () => Promise<T>): Promise<T> => client.withDeadline(Date.now() + callTimeoutMs, call);
  const runStatus = new Map<string, Promise<string>>();
  const statusOf = (workflowId: string, runId?: string): Promise<string> => {
    const key = `${workflowId}/${runId ?? ''}`;
    let found = runStatus.get(key);
    if (found === undefined) {
      found = callWithin(() => client.workflow.getHandle(workflowId, runId).describe()).then(
          (d) => `${d.status.name} ${d.runId}`,
          (error: unknown) => {
            if (error instanceof WorkflowNotFoundError) return 'NOT_FOUND -';
            throw error;
          },
        );
      runStatus.set(key, found);
    }
    return found;
  };

  async function reconcileEntry(entry: { id: number; workflow_id: string; run_id: string; reopens_entry_id: number | null }): Promise<void> {
    const [entryStatus] = (await statusOf(entry.workflow_id, entry.run_id || undefined)).split(' ');
    const entryRunRunning = entryStatus === 'RUNNING';
    let latestRunWaitsOnEntry = false;
    let latestRunId = '';
    if (!entryRunRunning) {
      const [latestStatus, runId] = (await statusOf(entry.workflow_id)).split(' ');
      latestRunId = runId!;
      if (latestStatus === 'RUNNING') {
        const state = await callWithin(() => client.workflow.getHandle(entry.workflow_id, latestRunId).query(getRegenerationStateQuery)).catch(
          () => undefined,
        );
        // No answer: the newest run may still adopt the entry; decide on a later pass.
        if (state === undefined) return;
        // A run waits on the id its escalation returned, which an entry reopened for it names.
        const waitsOn = state.reviewEntryId;
        latestRunWaitsOnEntry = state.status === 'awaiting_review' && (waitsOn === entry.id || waitsOn === entry.reopens_entry_id);
      }
    }
    const verdict = reconcileVerdict({ entryRunRunning, latestRunWaitsOnEntry });
    if (verdict === 'move_to_latest_run') {
      await moveReviewEntryToRun(db.kysely, entry.id, latestRunId);
      report.moved.push({ entryId: entry.id, runId: latestRunId });
    } else if (verdict === 'supersede') {
      const reason = `Run ${entry.run_id || '(unknown)'} of ${entry.workflow_id} ended ${entryStatus!.toLowerCase()} without closing it`;
      const { closed } = await supersedeReviewEntry(db.kysely, entry.id, reason);
      if (closed) report.superseded.push({ entryId: entry.id, reason });
    }
  }

  for (let afterId = 0; ; ) {
    const entries = await db.kysely
      .selectFrom('review_queue')
      .select(['id', 'workflow_id', 'run_id', 'reopens_entry_id'])
      .where('status', '=', 'pending')
      // An audit's round ended passed before the entry was made: it waits for a person, not a run.
      .where('reason', '<>', AUDIT_REASON)
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(PAGE)
      .execute();
    if (entries.length === 0) break;
    afterId = entries[entries.length - 1]!.id;
    for (const entry of entries) {
      report.checked++;
      try {
        await reconcileEntry(entry);
      } catch (error) {
        // One entry Temporal cannot answer for (a run id it refuses, a timeout) must not stop the
        // pass for the others; it is tried again on the next pass.
        report.skipped.push({ entryId: entry.id, reason: error instanceof Error ? error.message : String(error) });
      }
    }
  }
  await restoreScenesOfGoneRuns();
  const waiting = await openEntriesForWaitingRuns(db, client, callWithin, taskQueue);
  return { ...report, ...waiting };

  /** A scene a round holds (regenerating, awaiting review) whose workflow runs no more lost its ending. */
  async function restoreScenesOfGoneRuns(): Promise<void> {
    for (let afterId = 0; ; ) {
      const scenes = await db.kysely
        .selectFrom('scenes')
        .select(['id', 'latest_workflow_id', 'latest_run_id'])
        .where('status', 'in', ['regenerating', 'awaiting_review'])
        .where('id', '>', afterId)
        .orderBy('id')
        .limit(PAGE)
        .execute();
      if (scenes.length === 0) return;
      afterId = scenes[scenes.length - 1]!.id;
      for (const { id: sceneId, latest_workflow_id: workflowId, latest_run_id: runId } of scenes) {
        if (workflowId === null || runId === null) continue;
        try {
          const [latestStatus] = (await statusOf(workflowId)).split(' ');
          if (latestStatus === 'RUNNING') continue;
          const { restored } = await restoreSceneAfterRunGone(db.kysely, { sceneId, runId });
          if (restored !== undefined) report.restored.push({ sceneId, status: restored });
        } catch (error) {
          report.skippedScenes.push({ sceneId, reason: error instanceof Error ? error.message : String(error) });
        }
      }
    }
  }
}

/**
 * Starts a pass every `everyMs` until stopped, whatever the last pass did: a pass still running
 * is not overlapped, but one that runs past `passTimeoutMs` has its Temporal calls aborted and no
 * longer holds the schedule. Several web servers may run it at once: each write only closes or
 * moves a still-pending entry, or opens one entry per run.
 */
export function startReconciler(
  db: Db,
  client: Client,
  log: { info: (o: object, m: string) => void; warn: (o: object, m: string) => void },
  timing: { everyMs: number; callTimeoutMs: number; passTimeoutMs: number; taskQueue: string },
): () => Promise<void> {
  let stopped = false;
  let running: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  const tick = (): void => {
    if (stopped) return;
    timer = setTimeout(tick, timing.everyMs).unref();
    if (running !== undefined) return;
    const abort = new AbortController();
    const limit = setTimeout(() => abort.abort(), timing.passTimeoutMs).unref();
    const pass = client
      .withAbortSignal(abort.signal, () => reconcileReviewEntries(db, client, timing))
      .then((report) => {
        if (report.moved.length + report.superseded.length + report.restored.length + report.opened.length > 0) log.info(report, 'review entries reconciled');
      })
      .catch((error: unknown) => log.warn({ error: String(error) }, 'review entry reconciliation failed; next pass will retry'));
    const timedOut = new Promise<void>((resolve) =>
      abort.signal.addEventListener('abort', () => {
        log.warn({ passTimeoutMs: timing.passTimeoutMs }, 'review entry reconciliation pass timed out; next pass will retry');
        resolve();
      }),
    );
    running = Promise.race([pass, timedOut]).finally(() => {
      clearTimeout(limit);
      running = undefined;
    });
  };
  timer = setTimeout(tick, Math.min(timing.everyMs, 1_000)).unref();
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await running;
  };
}
