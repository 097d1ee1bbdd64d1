import { sql, type Kysely, type Migration } from 'kysely';

/**
 * What the reconciler (src/web/review-entry-reconciler.ts) needs:
 * - `review_queue.reopens_entry_id`: an entry opened for a run that was reset to its review wait
 *   after the decision. That run still waits on the entry its copied history escalated, now
 *   closed; its ending closes this one in its place (src/db/regeneration-writes.ts). Null for
 *   every entry a round's own escalation made.
 * - `scenes_in_round_idx`: the scenes a round holds (regenerating, awaiting review), read every
 *   pass to find those whose run is gone without its ending.
 */
export const reconciledRoundsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .alterTable('review_queue')
      .addColumn('reopens_entry_id', 'integer', (col) => col.references('review_queue.id'))
      .execute();
    await sql`create index scenes_in_round_idx on scenes (id) where status in ('regenerating', 'awaiting_review')`.execute(db);
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex('scenes_in_round_idx').execute();
    await db.schema.alterTable('review_queue').dropColumn('reopens_entry_id').execute();
  },
};
