import { sql, type Kysely } from 'kysely';
import type { ProviderName } from '../domain/provider';
import type { SceneKind } from '../domain/scene';
import type { ProviderEvidence } from '../domain/provider-evidence';
import { roundTo } from '../domain/numbers';
import { attemptKind, judgedAttempt } from './attempt-evidence';
import type { DatabaseSchema } from './schema';

export interface EvidenceFilter {
  /** Compared lower-cased; absent: every content type. */
  contentType?: string;
  kind?: SceneKind;
  /** Only these projects' attempts (insights for a token's scope); absent: every project. */
  projectIds?: readonly number[];
}

/**
 * What the recorded attempts say of each provider, per content type and kind, for the insights
 * (the learned choice reads attempt-evidence.ts). The kind is the one the attempt made
 * (`attemptKind` there); an attempt is judged when it has an analysis. A provider's repairs are a row of their own: an edit of a
 * near-pass says nothing of what the provider generates.
 */
export async function providerEvidence(kysely: Kysely<DatabaseSchema>, filter: EvidenceFilter = {}): Promise<ProviderEvidence[]> {
  const contentType = sql<string>`lower(s.content_type)`;
  let query = kysely
    .selectFrom('regeneration_attempts as a')
    .innerJoin('scenes as s', 's.id', 'a.scene_id')
    .select([
      'a.provider',
      contentType.as('content_type'),
      attemptKind.as('kind'),
      'a.kind as attempt_kind',
      sql<number>`count(*)::int`.as('attempts'),
      sql<number>`count(*) filter (where ${judgedAttempt})::int`.as('judged'),
      sql<number>`count(*) filter (where ${judgedAttempt} and a.result = 'success')::int`.as('passed'),
      sql<number | null>`avg(a.score_after - a.score_before) filter (where ${judgedAttempt})::float8`.as('mean_gain'),
      sql<number>`coalesce(sum(a.cost_usd), 0)::float8`.as('total_cost_usd'),
    ])
    .groupBy(['a.provider', contentType, attemptKind, 'a.kind']);
  if (filter.contentType !== undefined) query = query.where(contentType, '=', filter.contentType.toLowerCase());
  if (filter.kind !== undefined) query = query.where(attemptKind, '=', filter.kind);
  // 0 is no project's id: an empty scope matches nothing instead of making an empty `in ()`.
  if (filter.projectIds !== undefined) query = query.where('a.project_id', 'in', [0, ...filter.projectIds]);
  const rows = await query.orderBy(contentType).orderBy(attemptKind).orderBy('a.provider').orderBy('a.kind').execute();
  return rows.map((row) => ({
    provider: row.provider as ProviderName,
    contentType: row.content_type,
    kind: row.kind,
    judgedAttempts: row.judged,
    passedAttempts: row.passed,
    meanGain: roundTo(Number(row.mean_gain ?? 0), 1_000),
    totalCostUsd: roundTo(Number(row.total_cost_usd), 1_000_000),
    attempts: row.attempts,
    ...(row.attempt_kind === 'repair' ? { attemptKind: 'repair' as const } : {}),
  }));
}
