import { sql, type Kysely } from 'kysely';
import type { AttemptJudgment } from '../domain/regeneration';
import type { JudgingHistory } from '../domain/judge-view';
import { judgingHistoryOf } from '../rules/judging';
import type { DatabaseSchema } from './schema';

/**
 * The newest judged attempts a content type's history is made from: enough for a steady mean and
 * spread, few enough that a change in the judge or the providers shows within days.
 */
const NEWEST_ATTEMPTS = 2_000;

/** What the content type's recorded judgments say (src/rules/judging.ts judgingHistoryOf), every project's together. */
export async function judgingHistory(kysely: Kysely<DatabaseSchema>, contentType: string): Promise<JudgingHistory> {
  const rows = await kysely
    .selectFrom('regeneration_attempts as a')
    .innerJoin('scenes as s', 's.id', 'a.scene_id')
    .select('a.judgments')
    .where(sql<string>`lower(s.content_type)`, '=', contentType.toLowerCase())
    .where('a.judgments', 'is not', null)
    .orderBy('a.recorded_at', 'desc')
    .orderBy('a.id', 'desc')
    .limit(NEWEST_ATTEMPTS)
    .execute();
  const lists = rows.map((row) => (row.judgments ?? []) as AttemptJudgment[]);
  return judgingHistoryOf(contentType.toLowerCase(), lists);
}
