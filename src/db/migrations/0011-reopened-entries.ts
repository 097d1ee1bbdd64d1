import type { Kysely, Migration } from 'kysely';

/**
 * `review_queue.reopens_entry_id`: an entry the reconciler opened for a run that was reset to its
 * review wait after the decision (src/web/review-entry-reconciler.ts). That run still waits on
 * the entry its copied history escalated, now closed; its ending closes this one in its place
 * (src/db/regeneration-writes.ts). Null for every entry a round's own escalation made.
 */
export const reopenedEntriesMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .alterTable('review_queue')
      .addColumn('reopens_entry_id', 'integer', (col) => col.references('review_queue.id'))
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('review_queue').dropColumn('reopens_entry_id').execute();
  },
};
