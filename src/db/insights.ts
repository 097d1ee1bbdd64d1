import { sql } from 'kysely';
import { REVIEW_TIMEOUT_REVIEWER } from '../domain/regeneration';
import type { InsightsResponse, JudgeAgreement, ProviderInsight } from '../domain/http-api';
import type { Db } from './database';
import { providerEvidence } from './provider-evidence';
import { peopleVerdicts } from './verdicts';
import { calibrationsByContentType } from '../rules/calibration';
import { roundTo } from '../domain/numbers';

export interface InsightsFilter {
  projectId?: number;
  /** Only these projects (a token's scope); absent: every project. */
  projectIds?: readonly number[];
}

/** GET /api/insights: what the recorded attempts and people's verdicts say, for the projects asked. */
export async function getInsights(db: Db, filter: InsightsFilter = {}): Promise<InsightsResponse> {
  const projectIds = scopeOf(filter);
  const [evidence, agreement, verdicts] = await Promise.all([
    providerEvidence(db.kysely, { projectIds }),
    judgeAgreement(db, projectIds),
    peopleVerdicts(db.kysely, { projectIds }),
  ]);
  const providers = evidence.map(
    (e): ProviderInsight => ({
      provider: e.provider,
      contentType: e.contentType,
      kind: e.kind,
      attempts: e.attempts,
      judgedAttempts: e.judgedAttempts,
      passRate: e.judgedAttempts > 0 ? roundTo(e.passedAttempts / e.judgedAttempts, 10_000) : null,
      meanGain: e.judgedAttempts > 0 ? e.meanGain : null,
      costPerPassedUsd: e.passedAttempts > 0 ? roundTo(e.totalCostUsd / e.passedAttempts, 1_000_000) : null,
      ...(e.attemptKind ? { attemptKind: e.attemptKind } : {}),
    }),
  );
  return { providers, agreement, calibration: calibrationsByContentType(verdicts) };
}

/** The projects both the question and the token allow: one project asked for, within the scope. */
function scopeOf(filter: InsightsFilter): readonly number[] | undefined {
  if (filter.projectId === undefined) return filter.projectIds;
  return filter.projectIds === undefined || filter.projectIds.includes(filter.projectId) ? [filter.projectId] : [];
}

/**
 * Judge–human agreement, as src/domain/judge-agreement.ts defines it, counted in the database:
 * approvals a reviewer decided, and of those the ones without an attempt number or naming the
 * entry's best (0, the starting asset, when the entry has no best attempt) and, when they name a
 * candidate, the one kept of it (1 when the attempt made one).
 */
async function judgeAgreement(db: Db, projectIds: readonly number[] | undefined): Promise<JudgeAgreement> {
  let query = db.kysely
    .selectFrom('review_queue')
    .select([
      sql<number>`count(*)::int`.as('decided'),
      sql<number>`count(*) filter (where decision->'attemptNumber' is null
        or ((decision->>'attemptNumber')::int = coalesce(best_attempt_number, 0)
          and (decision->'candidate' is null or (decision->>'candidate')::int = coalesce((
            select (c->>'candidate')::int
            from jsonb_array_elements(attempts) as a(attempt), jsonb_array_elements(coalesce(a.attempt->'candidates', '[]'::jsonb)) as c
            where (a.attempt->>'attemptNumber')::int = best_attempt_number and (c->>'kept')::boolean
            limit 1), 1))))::int`.as('agreed'),
    ])
    .where('status', '=', 'decided')
    .where(sql<string>`decision->>'action'`, '=', 'approve')
    .where('decided_by', '<>', REVIEW_TIMEOUT_REVIEWER);
  if (projectIds !== undefined) query = query.where('project_id', 'in', [0, ...projectIds]);
  const row = await query.executeTakeFirstOrThrow();
  return {
    decided: row.decided,
    approvedJudgesBest: row.agreed,
    rate: row.decided > 0 ? roundTo(row.agreed / row.decided, 10_000) : null,
  };
}
