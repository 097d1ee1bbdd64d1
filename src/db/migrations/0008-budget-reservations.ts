import { sql, type Kysely, type Migration } from 'kysely';

/**
 * - `budget_reservations`: what an attempt may cost, held against its project's budget from the
 *   moment it is allowed to start until its attempt is recorded (src/db/budget-reservations.ts).
 *   Rounds of one project run on many workers at once; without a hold, each would read the same
 *   spending and all would start. Keyed like `regeneration_attempts`, so a recorded attempt's
 *   hold is recognised by the key alone. `expires_at` ends the hold of an attempt that will never
 *   be recorded (its run was terminated).
 * - `scenes_content_type_idx`: the learned choice's evidence query (src/db/provider-evidence.ts)
 *   selects scenes by lower-cased content type at every round's start.
 */
export const budgetReservationsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('budget_reservations')
      .addColumn('workflow_id', 'text', (col) => col.notNull())
      .addColumn('run_id', 'text', (col) => col.notNull())
      .addColumn('round', 'integer', (col) => col.notNull())
      .addColumn('attempt_number', 'integer', (col) => col.notNull())
      .addColumn('project_id', 'integer', (col) => col.notNull())
      .addColumn('amount_usd', 'double precision', (col) => col.notNull())
      .addColumn('reserved_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
      .addColumn('expires_at', 'timestamptz', (col) => col.notNull())
      .addPrimaryKeyConstraint('budget_reservations_key', ['workflow_id', 'run_id', 'round', 'attempt_number'])
      .addCheckConstraint('budget_reservations_amount_check', sql`amount_usd >= 0`)
      .execute();
    await db.schema.createIndex('budget_reservations_project_idx').on('budget_reservations').column('project_id').execute();
    await sql`create index scenes_content_type_idx on scenes (lower(content_type))`.execute(db);
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await sql`drop index scenes_content_type_idx`.execute(db);
    await db.schema.dropTable('budget_reservations').execute();
  },
};
