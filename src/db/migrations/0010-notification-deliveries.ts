import { sql, type Kysely, type Migration } from 'kysely';

/**
 * `notification_deliveries`: one row per outgoing webhook to one receiver (src/db/notification-writes.ts),
 * written in the same transaction as the fact it reports, so an event exists exactly when its
 * fact does. The id is derived from the event and the receiver, so a retried write adds nothing.
 * The receiver is named by a key and its origin, never its URL (a URL can be a credential), and
 * the body is kept as the exact bytes every retry sends; the signature, made with the secret at
 * each send, is not kept.
 */
export const notificationDeliveriesMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('notification_deliveries')
      .addColumn('id', 'text', (col) => col.primaryKey())
      .addColumn('event', 'text', (col) => col.notNull())
      .addColumn('event_key', 'text', (col) => col.notNull())
      .addColumn('target_key', 'text', (col) => col.notNull())
      .addColumn('target_label', 'text', (col) => col.notNull())
      .addColumn('scene_id', 'integer', (col) => col.notNull())
      .addColumn('project_id', 'integer', (col) => col.notNull())
      .addColumn('review_entry_id', 'integer')
      .addColumn('body', 'text', (col) => col.notNull())
      .addColumn('status', 'text', (col) => col.notNull().defaultTo('pending'))
      .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
      .addColumn('last_answer_status', 'integer')
      .addColumn('last_answer', 'text')
      .addColumn('send_at', 'timestamptz', (col) => col.notNull())
      .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
      .addColumn('last_attempt_at', 'timestamptz')
      .addColumn('ended_at', 'timestamptz')
      .addCheckConstraint('notification_deliveries_status_check', sql`status in ('pending', 'delivered', 'failed', 'dropped')`)
      .execute();
    await db.schema.createIndex('notification_deliveries_scene_idx').on('notification_deliveries').column('scene_id').execute();
    await db.schema.createIndex('notification_deliveries_event_idx').on('notification_deliveries').column('event_key').execute();
    await db.schema
      .createIndex('notification_deliveries_entry_idx')
      .on('notification_deliveries')
      .column('review_entry_id')
      .where(sql.ref('review_entry_id'), 'is not', null)
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('notification_deliveries').execute();
  },
};
