import type { Kysely, Migration } from 'kysely';

/**
 * `review_queue.best_pick`: the round's best when it was escalated and why (src/domain/best-pick.ts:
 * the highest score, or a pairwise judgment between the top two), so the review page and the API
 * name the asset a plain approve takes. Null for entries made before rounds named their best so.
 */
export const bestPickMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('review_queue').addColumn('best_pick', 'jsonb').execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('review_queue').dropColumn('best_pick').execute();
  },
};
