import { sql, type Kysely, type Migration } from 'kysely';

/**
 * The learned provider choice records its figures (SPEC.md "Cost and provider health"):
 * - `regeneration_attempts.provider_choice` becomes jsonb, the figures the provider was chosen by.
 *   A row of the rule it replaces says only 'learned', with no figures to keep: it becomes null.
 * - `review_queue.reason_detail`: why a round stopped early (budget, not worth trying, providers),
 *   with its figures, in the words the review page shows; null for the usual reason.
 */
export const providerChoiceFiguresMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`alter table regeneration_attempts alter column provider_choice type jsonb using null`.execute(db);
    await db.schema.alterTable('review_queue').addColumn('reason_detail', 'text').execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('review_queue').dropColumn('reason_detail').execute();
    await sql`alter table regeneration_attempts alter column provider_choice type text using case when provider_choice is null then null else 'learned' end`.execute(db);
  },
};
