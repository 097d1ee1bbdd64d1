import { sql, type Kysely, type Migration } from 'kysely';

/**
 * What workers on several hosts must agree on about the providers, kept where they all look:
 * - `provider_leases`: the generations in flight per provider, one row a place, so every worker
 *   together keeps to PROVIDER_CONCURRENCY (src/providers/concurrency-gate.ts). A place is
 *   `task:<provider task id>` or `pending:<uuid>` for a submission on its way; a place nobody
 *   renews lapses at `expires_at`, so a dead worker's places come back.
 * - `provider_submissions`: the submission ledger (src/providers/submission-ledger.ts), one row
 *   per idempotency key, written before the submission is sent (`sent_at`) and again when the
 *   provider answered (`answered_at`, and the task it started, if any).
 */
export const providerCoordinationMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('provider_leases')
      .addColumn('provider', 'text', (col) => col.notNull())
      .addColumn('place', 'text', (col) => col.notNull())
      .addColumn('expires_at', 'timestamptz', (col) => col.notNull())
      .addPrimaryKeyConstraint('provider_leases_pkey', ['provider', 'place'])
      .execute();

    await db.schema
      .createTable('provider_submissions')
      .addColumn('idempotency_key', 'text', (col) => col.primaryKey())
      .addColumn('provider', 'text', (col) => col.notNull())
      .addColumn('task_id', 'text')
      .addColumn('kind', 'text', (col) => col.notNull())
      .addColumn('duration_seconds', 'double precision', (col) => col.notNull())
      .addColumn('sent_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
      .addColumn('answered_at', 'timestamptz')
      .addCheckConstraint('provider_submissions_kind_check', sql`kind in ('video','image')`)
      // A task id is only ever the provider's answer.
      .addCheckConstraint('provider_submissions_answer_check', sql`task_id is null or answered_at is not null`)
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('provider_submissions').execute();
    await db.schema.dropTable('provider_leases').execute();
  },
};
