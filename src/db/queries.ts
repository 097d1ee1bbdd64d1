import { sql } from 'kysely';
import type { Db } from './database';
import type { ReviewEntryStatus, TableName } from './schema';
import type { ProjectView, ReviewEntryView, SceneView, StoredAttempt } from '../web/api-types';
import { toProjectView, toReviewEntryView, toSceneView, toStoredAttempt } from './views';

/** The read side, for the HTTP API and tests; every write goes through the database activities. */

interface ReviewQueueFilter {
  /** Default 'pending'. */
  status?: ReviewEntryStatus | 'all';
  projectId?: number;
  /** Default 100, at most 500. */
  limit?: number;
}

const MAX_REVIEW_ENTRIES = 500;

export async function getScene(db: Db, id: number): Promise<SceneView | undefined> {
  const row = await db.kysely.selectFrom('scenes').selectAll().where('id', '=', id).executeTakeFirst();
  if (row === undefined) return undefined;
  return toSceneView(row, await listSceneAttempts(db, id));
}

/**
 * Runs of one workflow id reuse round numbers, so attempts are grouped by run, oldest run
 * first (by its first recorded row), then ordered by round and attempt within it.
 */
export async function listSceneAttempts(db: Db, sceneId: number): Promise<StoredAttempt[]> {
  const rows = await db.kysely
    .selectFrom('regeneration_attempts')
    .selectAll()
    .where('scene_id', '=', sceneId)
    .orderBy(sql`min(id) over (partition by workflow_id, run_id)`)
    .orderBy('round')
    .orderBy('attempt_number')
    .execute();
  return rows.map(toStoredAttempt);
}

export async function getProject(db: Db, id: number): Promise<ProjectView | undefined> {
  const row = await db.kysely.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toProjectView(row);
}

/** Newest first: the order reviewers work in, served by review_queue_pending_idx. */
export async function listReviewQueue(db: Db, filter: ReviewQueueFilter = {}): Promise<ReviewEntryView[]> {
  const status = filter.status ?? 'pending';
  const limit = Math.min(Math.max(1, Math.trunc(filter.limit ?? 100)), MAX_REVIEW_ENTRIES);
  let query = db.kysely.selectFrom('review_queue').selectAll();
  if (status !== 'all') query = query.where('status', '=', status);
  if (filter.projectId !== undefined) query = query.where('project_id', '=', filter.projectId);
  const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  return rows.map(toReviewEntryView);
}

export async function getReviewEntry(db: Db, id: number): Promise<ReviewEntryView | undefined> {
  const row = await db.kysely.selectFrom('review_queue').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toReviewEntryView(row);
}

export async function countRows(db: Db, table: TableName): Promise<number> {
  const row = await db.kysely
    .selectFrom(table)
    .select(sql<number>`count(*)::int`.as('count'))
    .executeTakeFirstOrThrow();
  return row.count;
}
