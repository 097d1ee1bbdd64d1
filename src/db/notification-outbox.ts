import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { DeliveryStatus, NotificationDelivery, NotificationEvent } from '../domain/notifications';
import { deliveryBody, deliveryId, type NotificationDraft } from '../notifications/events';
import type { DeliveryAnswer } from '../notifications/send';
import { targetsFor, type WebhookTarget } from '../notifications/targets';
import type { DatabaseSchema, NotificationDeliveriesTable } from './schema';

/*
 * The outgoing webhooks' outbox. A write that records a fact adds its event's deliveries in its
 * own transaction (enqueueDeliveries); the activity that made the write then starts one delivery
 * workflow per pending delivery (src/notifications/dispatch.ts). Every row is keyed by its
 * delivery id, derived from the event and the receiver, so a retried write adds nothing.
 */

type Executor = Kysely<DatabaseSchema> | Transaction<DatabaseSchema>;

/** Adds each draft's deliveries to the receivers that want it; answers the events' keys. */
export async function enqueueDeliveries(
  executor: Executor,
  targets: readonly WebhookTarget[],
  drafts: readonly NotificationDraft[],
): Promise<string[]> {
  const rows = drafts.flatMap((draft) =>
    targetsFor(targets, draft.type, draft.projectId).map((target) => {
      const id = deliveryId(draft.eventKey, target.key);
      return {
        id,
        event: draft.type,
        event_key: draft.eventKey,
        target_key: target.key,
        target_label: target.label,
        scene_id: draft.sceneId,
        project_id: draft.projectId,
        review_entry_id: draft.reviewEntryId ?? null,
        body: deliveryBody(draft, id),
        send_at: draft.sendAt,
      };
    }),
  );
  if (rows.length > 0) {
    await executor
      .insertInto('notification_deliveries')
      .values(rows)
      .onConflict((conflict) => conflict.column('id').doNothing())
      .execute();
  }
  return drafts.map((draft) => draft.eventKey);
}

/** The deliveries of these events that are still to be sent, with when each is due. */
export async function pendingDeliveries(executor: Executor, eventKeys: readonly string[]): Promise<{ id: string; sendAt: Date }[]> {
  if (eventKeys.length === 0) return [];
  const rows = await executor
    .selectFrom('notification_deliveries')
    .select(['id', 'send_at'])
    .where('event_key', 'in', eventKeys)
    .where('status', '=', 'pending')
    .orderBy('send_at')
    .execute();
  return rows.map((row) => ({ id: row.id, sendAt: new Date(row.send_at) }));
}

/** A review that ended (decided, expired, cancelled, superseded) needs no more reminders. */
export async function dropReminders(executor: Executor, reviewEntryId: number): Promise<void> {
  await executor
    .updateTable('notification_deliveries')
    .set({ status: 'dropped', last_answer: 'The review ended before the reminder was due', ended_at: sql`now()` })
    .where('review_entry_id', '=', reviewEntryId)
    .where('event', '=', 'review.reminder')
    .where('status', '=', 'pending')
    .execute();
}

/** What one send needs; the receiver's URL and the secret come from the worker's settings. */
export interface DeliveryToSend {
  id: string;
  event: NotificationEvent;
  targetKey: string;
  body: string;
  /** 1 for the first request. */
  attempt: number;
}

/**
 * Counts a send about to be made, or answers why none is: the delivery is already delivered,
 * given up or dropped (a retry after a crash that followed the answer), or it is a reminder
 * whose review has ended (then it is dropped here, in the same transaction that reads the entry).
 */
export async function beginDeliveryAttempt(
  kysely: Kysely<DatabaseSchema>,
  id: string,
): Promise<DeliveryToSend | { skipped: DeliveryStatus | 'missing' }> {
  return kysely.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('notification_deliveries').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (row === undefined) return { skipped: 'missing' as const };
    if (row.status !== 'pending') return { skipped: row.status };
    if (row.event === 'review.reminder' && row.review_entry_id !== null) {
      const entry = await trx.selectFrom('review_queue').select('status').where('id', '=', row.review_entry_id).executeTakeFirst();
      if (entry?.status !== 'pending') {
        await dropReminders(trx, row.review_entry_id);
        return { skipped: 'dropped' as const };
      }
    }
    const counted = await trx
      .updateTable('notification_deliveries')
      .set({ attempts: sql`attempts + 1`, last_attempt_at: sql`now()` })
      .where('id', '=', id)
      .returning('attempts')
      .executeTakeFirstOrThrow();
    return { id, event: row.event, targetKey: row.target_key, body: row.body, attempt: counted.attempts };
  });
}

/**
 * Records a send's answer. A 2xx ends the delivery as delivered, even one dropped while the
 * request was on its way: the receiver has it.
 */
export async function recordDeliveryAnswer(kysely: Kysely<DatabaseSchema>, id: string, answer: DeliveryAnswer): Promise<void> {
  await kysely
    .updateTable('notification_deliveries')
    .set({
      last_answer_status: answer.status ?? null,
      last_answer: answer.answer,
      ...(answer.delivered ? { status: 'delivered' as const, ended_at: sql`now()` } : {}),
    })
    .where('id', '=', id)
    .where('status', 'in', answer.delivered ? ['pending', 'dropped'] : ['pending'])
    .execute();
}

/** The retries ran out (NOTIFY_GIVE_UP_AFTER) or the receiver is no longer configured. */
export async function giveUpDelivery(kysely: Kysely<DatabaseSchema>, id: string, reason?: string): Promise<void> {
  await kysely
    .updateTable('notification_deliveries')
    .set({ status: 'failed', ended_at: sql`now()`, ...(reason ? { last_answer: reason } : {}) })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .execute();
}

/** Every delivery about the scene, oldest first. */
export async function sceneDeliveries(kysely: Kysely<DatabaseSchema>, sceneId: number): Promise<NotificationDelivery[]> {
  const rows = await kysely
    .selectFrom('notification_deliveries')
    .selectAll()
    .where('scene_id', '=', sceneId)
    .orderBy('send_at')
    .orderBy('id')
    .execute();
  return rows.map(toDelivery);
}

function toDelivery(row: Selectable<NotificationDeliveriesTable>): NotificationDelivery {
  return {
    id: row.id,
    type: row.event,
    receiver: row.target_label,
    status: row.status,
    attempts: row.attempts,
    ...(row.last_answer_status !== null ? { lastAnswerStatus: row.last_answer_status } : {}),
    ...(row.last_answer !== null ? { lastAnswer: row.last_answer } : {}),
    sendAt: iso(row.send_at),
    ...(row.last_attempt_at ? { lastAttemptAt: iso(row.last_attempt_at) } : {}),
    ...(row.ended_at ? { endedAt: iso(row.ended_at) } : {}),
  };
}

function iso(value: Date | string): string {
  return (value instanceof Date ? value : new Date(value)).toISOString();
}
