import { sql, type Kysely, type Migration } from 'kysely';

/**
 * `regeneration_attempts.kind`: "generate" (a new asset) or "repair" (an edit of the round's
 * current asset); attempts recorded before are generations. `repair`: what a repair
 * asked for (instruction, defects, the asset it edited); null for generations.
 */
export const attemptKindMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .alterTable('regeneration_attempts')
      .addColumn('kind', 'text', (column) => column.notNull().defaultTo('generate').check(sqlKindCheck()))
      .execute();
    await db.schema.alterTable('regeneration_attempts').addColumn('repair', 'jsonb').execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('regeneration_attempts').dropColumn('repair').execute();
    await db.schema.alterTable('regeneration_attempts').dropColumn('kind').execute();
  },
};

function sqlKindCheck() {
  // Built here rather than imported: a migration stays as it was written whatever the code becomes.
  return sql`kind in ('generate', 'repair')`;
}
