import { sql } from 'kysely';
import type { Db } from './database';
import type { ReviewEntryStatus, SceneStatus, TableName } from './schema';
import type { Page, ProjectView, ReviewEntryView, SceneListItem, SceneView, StoredAttempt } from '../domain/http-api';
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
export async function getReviewEntry(db: Db, id: number): Promise<ReviewEntryView | undefined> {
  const row = await db.kysely.selectFrom('review_queue').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toReviewEntryView(row);
}

/** The scene's entry waiting for a reviewer, when it has one: the newest, should there be more. */
export async function pendingReviewEntryOf(db: Db, sceneId: number): Promise<ReviewEntryView | undefined> {
  const row = await db.kysely
    .selectFrom('review_queue')
    .selectAll()
    .where('scene_id', '=', sceneId)
    .where('status', '=', 'pending')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return row && toReviewEntryView(row);
}

export async function countRows(db: Db, table: TableName): Promise<number> {
  const row = await db.kysely
    .selectFrom(table)
    .select(sql<number>`count(*)::int`.as('count'))
    .executeTakeFirstOrThrow();
  return row.count;
}

export interface SceneFilter {
  projectId?: number;
  /** Only these projects (a token's scope); absent: every project. */
  projectIds?: readonly number[];
  status?: SceneStatus;
  /** From the previous page's nextCursor. */
  cursor?: string;
  /** Default 100, at most 500. */
  limit?: number;
}

/**
 * Scenes by id, a page at a time. The cursor is the last id served (opaque to callers): a scene
 * added or changed between pages is neither served twice nor skipped because of the paging.
 */
export async function listScenes(db: Db, filter: SceneFilter = {}): Promise<Page<SceneListItem>> {
  const limit = pageLimit(filter.limit);
  let query = db.kysely
    .selectFrom('scenes')
    .leftJoin('projects', 'projects.id', 'scenes.project_id')
    .selectAll('scenes')
    .select('projects.name as project_name');
  if (filter.projectId !== undefined) query = query.where('scenes.project_id', '=', filter.projectId);
  if (filter.projectIds !== undefined) query = query.where('scenes.project_id', 'in', [0, ...filter.projectIds]);
  if (filter.status !== undefined) query = query.where('scenes.status', '=', filter.status);
  const after = filter.cursor === undefined ? undefined : decodeCursor(filter.cursor);
  if (after !== undefined) query = query.where('scenes.id', '>', after);
  const rows = await query.orderBy('scenes.id').limit(limit + 1).execute();
  const items = rows.slice(0, limit).map(({ project_name, ...row }) => {
    const { regenerationAttempts: _attempts, ...scene } = toSceneView(row, []);
    return project_name ? { ...scene, projectName: project_name } : scene;
  });
  return rows.length > limit ? { items, nextCursor: encodeCursor(rows[limit - 1]!.id) } : { items };
}

/** How many items a listing page holds: 100 unless asked, never more than MAX_REVIEW_ENTRIES. */
function pageLimit(limit: number | undefined): number {
  return Math.min(Math.max(1, Math.trunc(limit ?? 100)), MAX_REVIEW_ENTRIES);
}

export class BadCursorError extends Error {
  override readonly name = 'BadCursorError';
}

function encodeCursor(id: number): string {
  return Buffer.from(`s${id}`).toString('base64url');
}

function decodeCursor(cursor: string): number {
  const match = /^s([1-9]\d{0,9})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) throw new BadCursorError('cursor is not one this server gave out');
  return Number(match[1]);
}

/**
 * The review queue a page at a time, newest first, with no cap on how far a
 * caller can page: the cursor is the last entry served (its creation time and id).
 */
export async function listReviewQueuePage(
  db: Db,
  filter: ReviewQueueFilter & { cursor?: string; projectIds?: readonly number[] } = {},
): Promise<Page<ReviewEntryView>> {
  const status = filter.status ?? 'pending';
  const limit = pageLimit(filter.limit);
  let query = db.kysely
    .selectFrom('review_queue')
    .leftJoin('projects', 'projects.id', 'review_queue.project_id')
    .selectAll('review_queue')
    .select('projects.name as project_name');
  if (status !== 'all') query = query.where('review_queue.status', '=', status);
  if (filter.projectId !== undefined) query = query.where('review_queue.project_id', '=', filter.projectId);
  // 0 is no project's id: an empty scope matches nothing instead of making an empty `in ()`.
  if (filter.projectIds !== undefined) query = query.where('review_queue.project_id', 'in', [0, ...filter.projectIds]);
  if (filter.cursor !== undefined) {
    const after = decodeEntryCursor(filter.cursor);
    query = query.where((eb) =>
      eb.or([
        eb('review_queue.created_at', '<', new Date(after.createdAt)),
        eb.and([eb('review_queue.created_at', '=', new Date(after.createdAt)), eb('review_queue.id', '<', after.id)]),
      ]),
    );
  }
  const rows = await query
    .orderBy('review_queue.created_at', 'desc')
    .orderBy('review_queue.id', 'desc')
    .limit(limit + 1)
    .execute();
  const items = rows.slice(0, limit).map(({ project_name, ...row }) => {
    const entry = toReviewEntryView(row);
    return project_name ? { ...entry, projectName: project_name } : entry;
  });
  if (rows.length <= limit) return { items };
  const last = items[limit - 1]!;
  return { items, nextCursor: Buffer.from(`q${last.createdAt}|${last.id}`).toString('base64url') };
}

function decodeEntryCursor(cursor: string): { createdAt: string; id: number } {
  const match = /^q(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)\|([1-9]\d{0,9})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) throw new BadCursorError('cursor is not one this server gave out');
  return { createdAt: match[1]!, id: Number(match[2]) };
}
