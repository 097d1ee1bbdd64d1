import { sql, type ExpressionBuilder, type Kysely, type Transaction } from 'kysely';
import type { ReviewEntryView } from '../domain/http-api';
import type { RegenerationAttempt } from '../domain/regeneration';
import { keptCandidateOf } from '../domain/judge-agreement';
import type { DecidedEntry, EntryEnding, EscalateToReviewRequest, RoundRef } from '../domain/round-steps';
import { decisionEvent, decisionEventKey, escalationEvents, type EscalationFacts } from '../notifications/events';
import { sceneAfterRunGone } from '../rules/ending';
import type { NotificationSettings } from '../notifications/settings';
import { RequestRejectedError } from './errors';
import { dropReminders, enqueueDeliveries } from './notification-outbox';
import { toJson, type DatabaseSchema, type SceneStatus } from './schema';

/** A round reference whose run id is settled: '' when the caller ran outside any workflow run. */
export type ResolvedRef = RoundRef & { runId: string };

/*
 * What a regeneration round writes. Rows are keyed by (workflow id, run id, round[, attempt]):
 * a repeated write finds its key taken and adds nothing, and a decided entry stays decided.
 */

/** `inserted` is false when a retry found the row its first try wrote: metrics count it once. */
/**
 * The attempt's row, and the end of its hold on the project's budget in the same transaction: a
 * reader of the project's spending sees the attempt's cost or its hold, never neither.
 */
export async function recordAttempt(
  kysely: Kysely<DatabaseSchema>,
  ref: ResolvedRef,
  attempt: RegenerationAttempt,
): Promise<{ inserted: boolean }> {
  const { runId } = ref;
  return kysely.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto('regeneration_attempts')
      .values({
        workflow_id: ref.workflowId,
        run_id: runId,
        round: attempt.round,
        attempt_number: attempt.attemptNumber,
        scene_id: ref.sceneId,
        project_id: ref.projectId,
        provider: attempt.provider,
        prompt: attempt.prompt,
        result: attempt.result,
        score_before: attempt.scoreBefore,
        score_after: attempt.scoreAfter,
        analysis: attempt.analysisResult ? toJson(attempt.analysisResult) : null,
        asset_url: attempt.assetUrl ?? null,
        failure: attempt.failure ? toJson(attempt.failure) : null,
        cost_usd: attempt.costUsd ?? null,
        provider_task_id: attempt.providerTaskId ?? null,
        skipped_providers: attempt.skippedProviders?.length ? toJson(attempt.skippedProviders) : null,
        judgments: attempt.judgments?.length ? toJson(attempt.judgments) : null,
        failed_step: attempt.failedStep ?? null,
        provider_choice: attempt.providerChoice ? toJson(attempt.providerChoice) : null,
        passing_score: attempt.passingScore ?? null,
        kind: attempt.kind ?? 'generate',
        repair: attempt.repair ? toJson(attempt.repair) : null,
        candidates: attempt.candidates ? toJson(attempt.candidates) : null,
        candidates_why: attempt.candidatesWhy ?? null,
        attempted_at: attempt.timestamp,
      })
      .onConflict((conflict) => conflict.columns(['workflow_id', 'run_id', 'round', 'attempt_number']).doNothing())
      .returning('attempt_number')
      .executeTakeFirst();
    await trx
      .deleteFrom('budget_reservations')
      .where('workflow_id', '=', ref.workflowId)
      .where('round', '=', attempt.round)
      .where('attempt_number', '=', attempt.attemptNumber)
      .execute();
    await markRegenerating(trx, ref.sceneId, ref.workflowId, runId);
    return { inserted: inserted !== undefined };
  });
}

/** What a new review queue entry says, beside the round's key. */
export type NewReviewEntry = Pick<
  ReviewEntryView,
  'sceneIndex' | 'reason' | 'reasonDetail' | 'bestScore' | 'bestAttemptNumber' | 'bestPick' | 'attempts' | 'createdAt'
>;

/**
 * The round's review entry (an escalation or an audit), once however often its step is retried:
 * keyed by workflow, run and round, a retry finds the entry its first try made and answers with
 * the same id. `inserted` is false then.
 */
export async function insertReviewEntry(
  trx: Transaction<DatabaseSchema>,
  ref: ResolvedRef,
  fields: NewReviewEntry,
): Promise<{ entry: { id: number }; inserted: boolean }> {
  const inserted = await trx
    .insertInto('review_queue')
    .values({
      scene_id: ref.sceneId,
      project_id: ref.projectId,
      scene_index: fields.sceneIndex,
      workflow_id: ref.workflowId,
      run_id: ref.runId,
      round: ref.round,
      reason: fields.reason,
      reason_detail: fields.reasonDetail ?? null,
      best_score: fields.bestScore,
      best_attempt_number: fields.bestAttemptNumber ?? null,
      best_pick: fields.bestPick ? toJson(fields.bestPick) : null,
      attempts: toJson(fields.attempts),
      created_at: fields.createdAt,
    })
    .onConflict((conflict) => conflict.columns(['workflow_id', 'run_id', 'round']).doNothing())
    .returning('id')
    .executeTakeFirst();
  const entry =
    inserted ??
    (await trx
      .selectFrom('review_queue')
      .select('id')
      .where('workflow_id', '=', ref.workflowId)
      .where('run_id', '=', ref.runId)
      .where('round', '=', ref.round)
      .executeTakeFirstOrThrow());
  return { entry, inserted: inserted !== undefined };
}

/** The scene waits for a person: the run named is the one whose entry it waits on. */
async function markAwaitingReview(
  trx: Transaction<DatabaseSchema>,
  scene: { sceneId: number; workflowId: string; runId: string },
): Promise<void> {
  await trx
    .updateTable('scenes')
    .set({
      status: 'awaiting_review',
      status_before_round: statusBeforeRound,
      needs_user_review: true,
      latest_workflow_id: scene.workflowId,
      latest_run_id: scene.runId,
      updated_at: sql`now()`,
    })
    .where('id', '=', scene.sceneId)
    .execute();
}

/**
 * A new entry's webhooks (an escalation's or an audit's), in the entry's transaction; their keys,
 * for the caller to send. None without `notify`, the outgoing webhooks' settings.
 */
export async function enqueueEntryEvents(
  trx: Transaction<DatabaseSchema>,
  notify: NotificationSettings | undefined,
  entry: Omit<EscalationFacts, 'reminderOffsetsMs' | 'publicUrl'>,
): Promise<string[]> {
  if (!notify) return [];
  return enqueueDeliveries(
    trx,
    notify.targets,
    escalationEvents({ ...entry, reminderOffsetsMs: notify.reminderOffsetsMs, publicUrl: notify.publicUrl }),
  );
}

/**
 * `notify`: the outgoing webhooks' settings; the entry's events are added with it, in its
 * transaction, and `eventKeys` names them for the caller to send (none without `notify`).
 */
export async function escalateToReview(
  kysely: Kysely<DatabaseSchema>,
  request: EscalateToReviewRequest & { ref: ResolvedRef },
  notify?: NotificationSettings,
): Promise<{ entryId: number; inserted: boolean; eventKeys: string[] }> {
  const { ref } = request;
  const { runId } = ref;
  return kysely.transaction().execute(async (trx) => {
    const { entry, inserted } = await insertReviewEntry(trx, ref, {
      sceneIndex: request.sceneIndex,
      reason: request.reason,
      reasonDetail: request.message,
      bestScore: request.bestScore,
      bestAttemptNumber: request.bestAttemptNumber,
      bestPick: request.bestPick,
      attempts: request.attempts,
      createdAt: request.escalatedAt,
    });
    await markAwaitingReview(trx, { sceneId: ref.sceneId, workflowId: ref.workflowId, runId });
    const eventKeys = await enqueueEntryEvents(trx, notify, {
      entryId: entry.id,
      sceneId: ref.sceneId,
      projectId: ref.projectId,
      reason: request.reason,
      bestScore: request.bestScore,
      escalatedAt: request.escalatedAt,
      reviewTimeout: request.reviewTimeout,
    });
    return { entryId: entry.id, inserted, eventKeys };
  });
}

/**
 * Closes the entry with the decision. By its id: a run made by `temporal workflow reset` inside
 * the review wait carries the old run's entry id in its copied history, while its own run id
 * finds no entry. A run reset to its review wait after the decision waits on an entry already
 * closed: it closes the one reopened in its place (openReviewEntryForRun).
 */
export async function closeReviewEntry(
  kysely: Kysely<DatabaseSchema>,
  ref: ResolvedRef,
  entry: DecidedEntry,
  notify?: NotificationSettings,
): Promise<{ closed: boolean; bestAttemptNumber?: number; bestKeptCandidate?: number; eventKeys: string[] }> {
  return kysely.transaction().execute(async (trx) => {
    const closed = await trx
      .updateTable('review_queue')
      .set({
        status: 'decided',
        decision: toJson(entry.decision),
        decided_by: entry.decision.reviewer,
        decided_at: entry.decidedAt,
      })
      .where(entryOrItsReopening(entry.entryId))
      // The first decision stands: a retry, or a late duplicate, changes nothing.
      .where('status', '=', 'pending')
      .returning(['id', 'scene_id', 'project_id', 'best_attempt_number', 'attempts'])
      .executeTakeFirst();
    if (closed === undefined) {
      // The newest of the entry and its reopenings is the one a first try closed.
      const existing = await trx
        .selectFrom('review_queue')
        .select('id')
        .where(entryOrItsReopening(entry.entryId))
        .orderBy('id', 'desc')
        .executeTakeFirst();
      if (existing === undefined) throw new RequestRejectedError(`No review entry ${entry.entryId} for workflow ${ref.workflowId}`);
      // A retry after the close: its event was added with it, and may still be to send.
      return { closed: false, eventKeys: notify ? [decisionEventKey(existing.id)] : [] };
    }
    if (entry.decision.action === 'regenerate') {
      await markRegenerating(trx, closed.scene_id, ref.workflowId, ref.runId);
    }
    let eventKeys: string[] = [];
    if (notify) {
      await dropReminders(trx, closed.id);
      const { decision, decidedAt } = entry;
      eventKeys = await enqueueDeliveries(trx, notify.targets, [
        decisionEvent({ entryId: closed.id, sceneId: closed.scene_id, projectId: closed.project_id, decision, decidedAt }),
      ]);
    }
    // The judge's best and the candidate it kept of it, for the judge–human agreement metric.
    const bestAttemptNumber = closed.best_attempt_number ?? undefined;
    return { closed: true, bestAttemptNumber, bestKeptCandidate: keptCandidateOf(closed.attempts, bestAttemptNumber), eventKeys };
  });
}

function markRegenerating(
  executor: Kysely<DatabaseSchema> | Transaction<DatabaseSchema>,
  sceneId: number,
  workflowId: string,
  runId: string,
) {
  return executor
    .updateTable('scenes')
    .set({
      status: 'regenerating',
      status_before_round: statusBeforeRound,
      latest_workflow_id: workflowId,
      latest_run_id: runId,
      updated_at: sql`now()`,
    })
    .where('id', '=', sceneId)
    .execute();
}

/** The status the scene had when its round began: kept while the round moves it between its own statuses. */
const statusBeforeRound = sql<SceneStatus | null>`case when scenes.status in ('regenerating', 'awaiting_review')
  then scenes.status_before_round else scenes.status end`;

/**
 * Closes an entry no person decided: the review timed out with nothing to do (`expired`) or the
 * round was cancelled. A decided entry stays decided; `closed` is false when nothing changed.
 */
export async function endReviewEntry(
  kysely: Kysely<DatabaseSchema>,
  request: Exclude<EntryEnding, DecidedEntry>,
): Promise<{ closed: boolean }> {
  return kysely.transaction().execute(async (trx) => {
    const closed = await trx
      .updateTable('review_queue')
      .set({ status: request.status, close_reason: request.reason, decided_at: request.endedAt })
      .where(entryOrItsReopening(request.entryId))
      .where('status', '=', 'pending')
      .returning('id')
      .executeTakeFirst();
    // A review that ended needs no more reminders.
    if (closed !== undefined) await dropReminders(trx, closed.id);
    return { closed: closed !== undefined };
  });
}

/** The entry a round's escalation returned, or one reopened in its place: the one still pending is the round's. */
function entryOrItsReopening(entryId: number) {
  return (eb: ExpressionBuilder<DatabaseSchema, 'review_queue'>) => eb.or([eb('id', '=', entryId), eb('reopens_entry_id', '=', entryId)]);
}

/**
 * A cancelled round leaves the scene as it found it. The round's attempts never touched the
 * scene's asset (only an ending does), so only the status comes back; a scene no round had
 * marked is left alone.
 */
export async function restoreSceneAfterCancel(
  kysely: Kysely<DatabaseSchema> | Transaction<DatabaseSchema>,
  request: { sceneId: number },
): Promise<void> {
  const restored = sql<SceneStatus>`coalesce(scenes.status_before_round,
    case when scenes.analysis is null then 'new' else 'analyzed' end)`;
  await kysely
    .updateTable('scenes')
    .set({
      status: restored,
      needs_user_review: sql<boolean>`${restored} = 'review_timed_out'`,
      status_before_round: null,
      updated_at: sql`now()`,
    })
    .where('id', '=', request.sceneId)
    .where('status', 'in', ['regenerating', 'awaiting_review'])
    .execute();
}

/**
 * A scene whose round's run is gone without its ending (terminated, failed) gets back its status
 * from before the round (src/rules/ending.ts sceneAfterRunGone). Only while the scene still names
 * that run as its latest: a round started since owns the scene.
 */
export async function restoreSceneAfterRunGone(
  kysely: Kysely<DatabaseSchema>,
  request: { sceneId: number; runId: string },
): Promise<{ restored?: SceneStatus }> {
  return kysely.transaction().execute(async (trx) => {
    const scene = await trx
      .selectFrom('scenes')
      .select(['status', 'status_before_round', 'latest_run_id', sql<boolean>`analysis is not null`.as('analyzed')])
      .where('id', '=', request.sceneId)
      .forUpdate()
      .executeTakeFirst();
    if (scene === undefined || scene.latest_run_id !== request.runId) return {};
    const after = sceneAfterRunGone({ status: scene.status, statusBeforeRound: scene.status_before_round, analyzed: scene.analyzed });
    if (after === undefined) return {};
    await trx
      .updateTable('scenes')
      .set({ status: after.status, needs_user_review: after.needsUserReview, status_before_round: null, updated_at: sql`now()` })
      .where('id', '=', request.sceneId)
      .execute();
    return { restored: after.status };
  });
}

/**
 * Closes an entry whose run ended without closing it (terminated, or replaced by a reset), so no
 * entry stays pending for a run that can no longer carry a decision out.
 */
export async function supersedeReviewEntry(
  kysely: Kysely<DatabaseSchema>,
  entryId: number,
  reason: string,
): Promise<{ closed: boolean }> {
  return kysely.transaction().execute(async (trx) => {
    const closed = await trx
      .updateTable('review_queue')
      .set({ status: 'superseded', close_reason: reason, decided_at: sql`now()` })
      .where('id', '=', entryId)
      .where('status', '=', 'pending')
      .returning('id')
      .executeTakeFirst();
    if (closed !== undefined) await dropReminders(trx, entryId);
    return { closed: closed !== undefined };
  });
}

/**
 * A run made by a reset inside the review wait (or a continue-as-new) waits on its predecessor's
 * entry: the entry follows it, so a decision sent for the entry reaches the run that waits.
 */
export async function moveReviewEntryToRun(kysely: Kysely<DatabaseSchema>, entryId: number, runId: string): Promise<void> {
  await kysely.updateTable('review_queue').set({ run_id: runId }).where('id', '=', entryId).where('status', '=', 'pending').execute();
}

/**
 * A run reset to its review wait after the decision (the runbook's "take back a decision") waits
 * on the entry its copied history escalated, which the old run closed. A new pending entry for
 * that run, a copy of the closed one that names it, makes the round reviewable again, and the
 * scene shows it awaiting review. Once per run and round: `opened` is false when it exists.
 */
export async function openReviewEntryForRun(
  kysely: Kysely<DatabaseSchema>,
  request: { entryId: number; runId: string },
): Promise<{ opened: boolean; entryId?: number }> {
  return kysely.transaction().execute(async (trx) => {
    const opened = await trx
      .insertInto('review_queue')
      .columns([
        'scene_id',
        'project_id',
        'scene_index',
        'workflow_id',
        'run_id',
        'round',
        'reason',
        'best_score',
        'best_attempt_number',
        'best_pick',
        'attempts',
        'reopens_entry_id',
      ])
      .expression((eb) =>
        eb
          .selectFrom('review_queue')
          .select([
            'scene_id',
            'project_id',
            'scene_index',
            'workflow_id',
            eb.val(request.runId).as('run_id'),
            'round',
            'reason',
            'best_score',
            'best_attempt_number',
            'best_pick',
            'attempts',
            'id',
          ])
          .where('id', '=', request.entryId),
      )
      .onConflict((conflict) => conflict.columns(['workflow_id', 'run_id', 'round']).doNothing())
      .returning(['id', 'scene_id', 'workflow_id'])
      .executeTakeFirst();
    if (opened === undefined) return { opened: false };
    await markAwaitingReview(trx, { sceneId: opened.scene_id, workflowId: opened.workflow_id, runId: request.runId });
    return { opened: true, entryId: opened.id };
  });
}

/**
 * SPEC.md "How a round ends": every hold a round took on its project's budget, and every breaker
 * probe it was handed and never reported on, is let go when the round ends or waits for a person.
 * An attempt that was recorded already let go of its own; these are the ones it never started.
 */
export async function releaseRound(kysely: Kysely<DatabaseSchema>, ref: ResolvedRef): Promise<void> {
  await kysely.transaction().execute(async (trx) => {
    await trx.deleteFrom('budget_reservations').where('workflow_id', '=', ref.workflowId).execute();
    await trx
      .updateTable('provider_health')
      .set({ probe_started_at: null, probe_key: null, updated_at: sql`now()` })
      .where('probe_key', 'like', `${escapeLike(ref.workflowId)}/%`)
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('provider_outcomes').select('attempt_key').whereRef('provider_outcomes.attempt_key', '=', 'provider_health.probe_key'))),
      )
      .execute();
  });
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
