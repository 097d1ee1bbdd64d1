import type { Kysely, Migration } from 'kysely';

/**
 * `projects.budget_usd`: the most a project may spend on generation and judging (SPEC.md "Cost
 * and provider health"); null: no limit. What it has spent is summed from the records already
 * kept (scenes.initial_cost_usd, regeneration_attempts.cost_usd), so no running total can drift.
 * The review queue's reason is free text, so `budget_exhausted` needs no change there.
 */
export const projectBudgetMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('projects').addColumn('budget_usd', 'double precision').execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('projects').dropColumn('budget_usd').execute();
  },
};
