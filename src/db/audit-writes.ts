import type { Kysely } from 'kysely';
import type { AuditRequest } from '../domain/round-steps';
import type { UserDecision } from '../domain/regeneration';
import { escalationEvents } from '../notifications/events';
import type { NotificationSettings } from '../notifications/settings';
import { AUDIT_REASON } from '../rules/audit';
import { enqueueDeliveries } from './notification-outbox';
import type { ResolvedRef } from './regeneration-writes';
import { toJson, type DatabaseSchema } from './schema';

/*
 * Audits (SPEC.md "Judging and choosing"): a passed round sampled for people gets an `audit`
 * entry in the review queue. It blocks nothing: the round has ended and the scene keeps its
 * passed asset; the person's approve or reject is recorded on the entry as a label.
 */

/**
 * The round's audit entry, once however often the step is retried (keyed like every entry by
 * workflow, run and round), with its `audit.requested` webhook in the same transaction.
 */
export async function requestAudit(
  kysely: Kysely<DatabaseSchema>,
  request: AuditRequest & { ref: ResolvedRef },
  notify?: NotificationSettings,
): Promise<{ entryId: number; inserted: boolean; eventKeys: string[] }> {
  const { ref } = request;
  return kysely.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto('review_queue')
      .values({
        scene_id: ref.sceneId,
        project_id: ref.projectId,
        scene_index: request.sceneIndex,
        workflow_id: ref.workflowId,
        run_id: ref.runId,
        round: ref.round,
        reason: AUDIT_REASON,
        best_score: request.bestScore,
        best_attempt_number: request.bestAttemptNumber,
        best_pick: request.bestPick ? toJson(request.bestPick) : null,
        attempts: toJson(request.attempts),
        created_at: request.requestedAt,
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
    const eventKeys =
      notify && inserted
        ? await enqueueDeliveries(
            trx,
            notify.targets,
            escalationEvents({
              entryId: entry.id,
              sceneId: ref.sceneId,
              projectId: ref.projectId,
              reason: AUDIT_REASON,
              bestScore: request.bestScore,
              escalatedAt: request.requestedAt,
              reminderOffsetsMs: notify.reminderOffsetsMs,
              publicUrl: notify.publicUrl,
            }),
          )
        : [];
    return { entryId: entry.id, inserted: inserted !== undefined, eventKeys };
  });
}

/**
 * A person's verdict on an audit, kept on its entry as a label: nothing else changes (the round
 * is over, the scene keeps its asset). The first label stands; `labelled` is false when the entry
 * was no longer pending.
 */
export async function labelAudit(
  kysely: Kysely<DatabaseSchema>,
  request: { entryId: number; decision: UserDecision; decidedAt: string },
): Promise<{ labelled: boolean }> {
  const labelled = await kysely
    .updateTable('review_queue')
    .set({ status: 'decided', decision: toJson(request.decision), decided_by: request.decision.reviewer, decided_at: request.decidedAt })
    .where('id', '=', request.entryId)
    .where('reason', '=', AUDIT_REASON)
    .where('status', '=', 'pending')
    .returning('id')
    .executeTakeFirst();
  return { labelled: labelled !== undefined };
}
