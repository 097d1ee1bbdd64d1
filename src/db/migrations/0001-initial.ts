import { sql, type Kysely, type Migration } from 'kysely';

const sceneStatuses = sql.raw(
  "'new','analyzed','regenerating','awaiting_review','passed','approved','rejected','review_timed_out'",
);

/**
 * The first schema. Migrations are frozen once shipped: they say nothing about today's
 * DatabaseSchema type (hence Kysely<unknown>) and a later change is a new migration.
 */
export const initialMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('projects')
      .addColumn('id', 'integer', (col) => col.primaryKey())
      .addColumn('name', 'text')
      .addColumn('brand_profile', 'jsonb')
      .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
      .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
      .execute();

    await db.schema
      .createTable('scenes')
      .addColumn('id', 'integer', (col) => col.primaryKey())
      .addColumn('project_id', 'integer', (col) => col.notNull().references('projects.id'))
      .addColumn('scene_index', 'integer', (col) => col.notNull())
      .addColumn('scene_type', 'text', (col) => col.notNull())
      .addColumn('content_type', 'text', (col) => col.notNull())
      .addColumn('narration', 'text', (col) => col.notNull())
      .addColumn('visual_direction', 'text', (col) => col.notNull())
      .addColumn('duration', 'double precision', (col) => col.notNull())
      .addColumn('aspect_ratio', 'text')
      .addColumn('provider', 'text', (col) => col.notNull())
      .addColumn('asset_url', 'text')
      .addColumn('asset', 'jsonb')
      .addColumn('analysis', 'jsonb')
      .addColumn('quality_score', 'double precision')
      .addColumn('needs_user_review', 'boolean', (col) => col.notNull().defaultTo(false))
      .addColumn('status', 'text', (col) => col.notNull().defaultTo('new'))
      .addColumn('latest_workflow_id', 'text')
      .addColumn('latest_run_id', 'text')
      .addColumn('asset_workflow_id', 'text')
      .addColumn('initial_cost_usd', 'double precision')
      .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
      .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
      .addCheckConstraint('scenes_status_check', sql`status in (${sceneStatuses})`)
      .execute();
    await db.schema.createIndex('scenes_project_idx').on('scenes').columns(['project_id', 'scene_index']).execute();

    await db.schema
      .createTable('regeneration_attempts')
      .addColumn('id', 'serial', (col) => col.primaryKey())
      .addColumn('workflow_id', 'text', (col) => col.notNull())
      .addColumn('run_id', 'text', (col) => col.notNull().defaultTo(''))
      .addColumn('round', 'integer', (col) => col.notNull())
      .addColumn('attempt_number', 'integer', (col) => col.notNull())
      .addColumn('scene_id', 'integer', (col) => col.notNull().references('scenes.id'))
      .addColumn('project_id', 'integer', (col) => col.notNull())
      .addColumn('provider', 'text', (col) => col.notNull())
      .addColumn('prompt', 'text', (col) => col.notNull())
      .addColumn('result', 'text', (col) => col.notNull())
      .addColumn('score_before', 'double precision', (col) => col.notNull())
      .addColumn('score_after', 'double precision', (col) => col.notNull())
      .addColumn('analysis', 'jsonb')
      .addColumn('asset_url', 'text')
      .addColumn('failure', 'jsonb')
      .addColumn('cost_usd', 'double precision')
      .addColumn('provider_task_id', 'text')
      .addColumn('attempted_at', 'timestamptz', (col) => col.notNull())
      .addColumn('recorded_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
      // The idempotency key of recordAttempt: a retried activity hits it and writes nothing.
      .addUniqueConstraint('regeneration_attempts_key', ['workflow_id', 'run_id', 'round', 'attempt_number'])
      .addCheckConstraint('regeneration_attempts_result_check', sql`result in ('success','failed','improved')`)
      .execute();
    await db.schema
      .createIndex('regeneration_attempts_scene_idx')
      .on('regeneration_attempts')
      .column('scene_id')
      .execute();

    await db.schema
      .createTable('review_queue')
      .addColumn('id', 'serial', (col) => col.primaryKey())
      .addColumn('scene_id', 'integer', (col) => col.notNull().references('scenes.id'))
      .addColumn('project_id', 'integer', (col) => col.notNull())
      .addColumn('scene_index', 'integer', (col) => col.notNull())
      .addColumn('workflow_id', 'text', (col) => col.notNull())
      .addColumn('run_id', 'text', (col) => col.notNull().defaultTo(''))
      .addColumn('round', 'integer', (col) => col.notNull())
      .addColumn('reason', 'text', (col) => col.notNull())
      .addColumn('best_score', 'double precision', (col) => col.notNull())
      .addColumn('best_attempt_number', 'integer')
      .addColumn('attempts', 'jsonb', (col) => col.notNull())
      .addColumn('status', 'text', (col) => col.notNull().defaultTo('pending'))
      .addColumn('decision', 'jsonb')
      .addColumn('decided_by', 'text')
      .addColumn('decided_at', 'timestamptz')
      .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
      // The idempotency key of escalateToReview: one entry per round of one workflow run.
      .addUniqueConstraint('review_queue_key', ['workflow_id', 'run_id', 'round'])
      .addCheckConstraint('review_queue_status_check', sql`status in ('pending','decided')`)
      .execute();
    // Serves the reviewers' default view: pending entries, newest first.
    await db.schema
      .createIndex('review_queue_pending_idx')
      .on('review_queue')
      .columns(['status', 'created_at desc', 'id desc'])
      .execute();
    await db.schema.createIndex('review_queue_scene_idx').on('review_queue').column('scene_id').execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    for (const table of ['review_queue', 'regeneration_attempts', 'scenes', 'projects']) {
      await db.schema.dropTable(table).execute();
    }
  },
};
