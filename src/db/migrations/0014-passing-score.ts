import type { Kysely, Migration } from 'kysely';

/**
 * `regeneration_attempts.passing_score`: the bar the attempt was judged against, the configured
 * score or the one calibrated from people's verdicts (SPEC.md "Judging and choosing": each round
 * records the bar it used). Null for attempts recorded before.
 */
export const passingScoreMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('regeneration_attempts').addColumn('passing_score', 'double precision').execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('regeneration_attempts').dropColumn('passing_score').execute();
  },
};
