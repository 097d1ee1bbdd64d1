import type { Kysely, Migration } from 'kysely';

/**
 * An attempt that made several candidates at once (SPEC.md "Repair and candidates") records every
 * one with its cost (`regeneration_attempts.candidates`, CONTRACT.md) and why it made that many
 * (`candidates_why`); both null for an attempt of one candidate and for attempts recorded before.
 */
export const attemptCandidatesMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('regeneration_attempts').addColumn('candidates', 'jsonb').addColumn('candidates_why', 'text').execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('regeneration_attempts').dropColumn('candidates_why').dropColumn('candidates').execute();
  },
};
