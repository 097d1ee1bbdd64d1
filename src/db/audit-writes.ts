import type { Kysely } from 'kysely';
import type { AuditRequest } from '../domain/round-steps';
import type { UserDecision } from '../domain/regeneration';
import type { NotificationSettings } from '../notifications/settings';
import { AUDIT_REASON } from '../rules/audit';
import { enqueueEntryEvents, insertReviewEntry, type ResolvedRef } from './regeneration-writes';
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
    const { entry, inserted } = await insertReviewEntry(trx, ref, {
      sceneIndex: request.sceneIndex,
      reason: AUDIT_REASON,
      bestScore: request.bestScore,
      bestAttemptNumber: request.bestAttemptNumber,
      bestPick: request.bestPick,
      attempts: request.attempts,
      createdAt: request.requestedAt,
    });
    const eventKeys = inserted
      ? await enqueueEntryEvents(trx, notify, {
          entryId: entry.id,
          sceneId: ref.sceneId,
          projectId: ref.projectId,
          reason: AUDIT_REASON,
          bestScore: request.bestScore,
          escalatedAt: request.requestedAt,
        })
      : [];
    return { entryId: entry.id, inserted, eventKeys };
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
