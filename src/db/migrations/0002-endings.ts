import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Every way a round ends closes its queue entry (SPEC.md "How a round ends"): entries gain the
 * statuses of the endings that are not a person's decision, and a reason when no person closed
 * them. A cancelled round gives the scene back the status it had before the round, so the scene
 * keeps that status while a round runs.
 */
export const endingsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`alter table review_queue drop constraint review_queue_status_check`.execute(db);
    await sql`alter table review_queue add constraint review_queue_status_check
      check (status in ('pending','decided','expired','cancelled','superseded'))`.execute(db);
    await db.schema.alterTable('review_queue').addColumn('close_reason', 'text').execute();
    await db.schema.alterTable('scenes').addColumn('status_before_round', 'text').execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('scenes').dropColumn('status_before_round').execute();
    await db.schema.alterTable('review_queue').dropColumn('close_reason').execute();
    await sql`alter table review_queue drop constraint review_queue_status_check`.execute(db);
    await sql`alter table review_queue add constraint review_queue_status_check
      check (status in ('pending','decided'))`.execute(db);
  },
};
