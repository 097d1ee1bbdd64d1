import type { Kysely, Migration } from 'kysely';

/**
 * What an attempt knew that only its round kept until now, so `GET /api/scenes/:id` and anything
 * reading the table later see it too:
 * - `judgments`: every judgment of the asset with its cost (SPEC.md "Judging and choosing");
 * - `failed_step`: where a failed attempt failed (generate, store, judge);
 * - `provider_choice`: 'learned' when the recorded attempts chose its provider.
 * Null for attempts recorded before.
 */
export const attemptDetailsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .alterTable('regeneration_attempts')
      .addColumn('judgments', 'jsonb')
      .addColumn('failed_step', 'text')
      .addColumn('provider_choice', 'text')
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('regeneration_attempts').dropColumn('judgments').dropColumn('failed_step').dropColumn('provider_choice').execute();
  },
};
