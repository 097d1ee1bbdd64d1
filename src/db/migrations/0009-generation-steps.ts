import { sql, type Kysely, type Migration } from 'kysely';

/**
 * - `provider_submissions` keeps a generation's whole course, so that one activity can submit,
 *   look at the task and store its output across retries on any host: `output_url`, `cost_usd`
 *   and `done_at` once the provider finished it (later retries store the output without asking
 *   again), and `failed_sends`, the submissions under the key that the provider refused or that
 *   failed on the way, which bounds how often a provider that is down is asked.
 * - `budget_reservations` is keyed by workflow, round and attempt, without the run: a run made by
 *   `temporal workflow reset` redoes the same attempt of the same round and takes over its hold,
 *   and the attempt recorded by either run ends it.
 */
export const generationStepsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .alterTable('provider_submissions')
      .addColumn('output_url', 'text')
      .addColumn('cost_usd', 'double precision')
      .addColumn('done_at', 'timestamptz')
      .addColumn('failed_sends', 'integer', (col) => col.notNull().defaultTo(0))
      .execute();
    await db.schema.alterTable('budget_reservations').dropConstraint('budget_reservations_key').execute();
    await db.schema.alterTable('budget_reservations').dropColumn('run_id').execute();
    await db.schema
      .alterTable('budget_reservations')
      .addPrimaryKeyConstraint('budget_reservations_key', ['workflow_id', 'round', 'attempt_number'])
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('budget_reservations').dropConstraint('budget_reservations_key').execute();
    await db.schema.alterTable('budget_reservations').addColumn('run_id', 'text', (col) => col.notNull().defaultTo('')).execute();
    await db.schema
      .alterTable('budget_reservations')
      .addPrimaryKeyConstraint('budget_reservations_key', ['workflow_id', 'run_id', 'round', 'attempt_number'])
      .execute();
    await sql`alter table provider_submissions drop column output_url, drop column cost_usd, drop column done_at, drop column failed_sends`.execute(
      db,
    );
  },
};
