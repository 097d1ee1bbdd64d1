import { sql, type Kysely, type Migration } from 'kysely';

/**
 * The circuit breaker every worker shares per provider (src/rules/provider-health.ts):
 * - `provider_health`: one row per provider that has reported an outcome: failures in a row,
 *   when the breaker opened (null: closed), and the probe under way after the cooldown.
 * - `provider_outcomes`: one row per attempt's report (its idempotency key), so an activity
 *   retried after its write committed does not count the same failure twice.
 * - `regeneration_attempts.skipped_providers`: the providers an attempt passed over, and why.
 * Times are the database's clock, so hosts whose clocks disagree agree on the cooldown.
 */
export const providerHealthMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('provider_health')
      .addColumn('provider', 'text', (col) => col.primaryKey())
      .addColumn('consecutive_fails', 'integer', (col) => col.notNull().defaultTo(0))
      .addColumn('opened_at', 'timestamptz')
      .addColumn('probe_started_at', 'timestamptz')
      .addColumn('probe_key', 'text')
      .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
      .addCheckConstraint('provider_health_fails_check', sql`consecutive_fails >= 0`)
      .execute();

    await db.schema
      .createTable('provider_outcomes')
      .addColumn('attempt_key', 'text', (col) => col.primaryKey())
      .addColumn('provider', 'text', (col) => col.notNull())
      .addColumn('outcome', 'text', (col) => col.notNull())
      .addColumn('recorded_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
      .addCheckConstraint('provider_outcomes_outcome_check', sql`outcome in ('success','failure','neutral')`)
      .execute();

    await db.schema.alterTable('regeneration_attempts').addColumn('skipped_providers', 'jsonb').execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('regeneration_attempts').dropColumn('skipped_providers').execute();
    await db.schema.dropTable('provider_outcomes').execute();
    await db.schema.dropTable('provider_health').execute();
  },
};
