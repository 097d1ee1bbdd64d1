import { sql, type Kysely } from 'kysely';
import type { Verdict } from '../domain/calibration';
import { verdictOf } from '../rules/calibration';
import type { DatabaseSchema } from './schema';

export interface VerdictFilter {
  /** Compared lower-cased; absent: every content type. */
  contentType?: string;
  /** Only these projects' entries (a token's scope); absent: every project. */
  projectIds?: readonly number[];
}

/**
 * People's verdicts (SPEC.md "Judging and choosing"): every decided review entry, escalations
 * and audits, read as src/rules/calibration.ts verdictOf reads them, per lower-cased content
 * type. The score an approve names is found in the entry's own attempts: attempt 0 is the round's
 * start, which is attempt 1's score before; a candidate named is found among its attempt's candidates.
 */
export async function peopleVerdicts(kysely: Kysely<DatabaseSchema>, filter: VerdictFilter = {}): Promise<{ contentType: string; verdict: Verdict }[]> {
  const named = sql<number | null>`case
    when q.decision->'attemptNumber' is null then null
    when (q.decision->>'attemptNumber')::int = 0 then (q.attempts->0->>'scoreBefore')::float8
    when q.decision->'candidate' is not null then (select (c->>'scoreAfter')::float8
          from jsonb_array_elements(q.attempts) a, jsonb_array_elements(coalesce(a->'candidates', '[]'::jsonb)) c
          where (a->>'attemptNumber')::int = (q.decision->>'attemptNumber')::int
            and (c->>'candidate')::int = (q.decision->>'candidate')::int limit 1)
    else (select (a->>'scoreAfter')::float8 from jsonb_array_elements(q.attempts) a
          where (a->>'attemptNumber')::int = (q.decision->>'attemptNumber')::int limit 1)
    end`;
  let query = kysely
    .selectFrom('review_queue as q')
    .innerJoin('scenes as s', 's.id', 'q.scene_id')
    .select([
      sql<string>`lower(s.content_type)`.as('content_type'),
      'q.reason',
      'q.decision',
      'q.best_score',
      sql<boolean>`q.best_pick is not null or q.best_attempt_number is not null`.as('has_best'),
      named.as('named_score'),
    ])
    .where('q.status', '=', 'decided')
    .where('q.decision', 'is not', null)
    .orderBy('q.id');
  if (filter.contentType !== undefined) query = query.where(sql<string>`lower(s.content_type)`, '=', filter.contentType.toLowerCase());
  if (filter.projectIds !== undefined) query = query.where('q.project_id', 'in', [0, ...filter.projectIds]);
  const rows = await query.execute();
  return rows.flatMap((row) => {
    const verdict = verdictOf({
      reason: row.reason,
      decision: row.decision!,
      bestScore: row.best_score,
      hasBest: row.has_best,
      ...(row.named_score === null ? {} : { namedScore: row.named_score }),
    });
    return verdict === undefined ? [] : [{ contentType: row.content_type, verdict }];
  });
}
