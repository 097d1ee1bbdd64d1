import { sql, type Kysely } from 'kysely';
import type { SceneKind } from '../domain/scene';
import { IMAGE_PROVIDERS, type ProviderName } from '../domain/provider';
import type { AttemptEvidence, AttemptEvidenceRequest, RepairEvidence } from '../domain/provider-evidence';
import type { DatabaseSchema } from './schema';

// Literals, not parameters: PostgreSQL matches a grouped expression to the selected one only when
// they are the same text, and each use of a parameter gets its own number.
const IMAGE_LIST = sql.raw(IMAGE_PROVIDERS.map((p) => `'${p}'`).join(', '));

/**
 * The kind an attempt made (SPEC.md): a clip when its scene has a duration and its provider is not
 * an image provider, so an attempt counts where its asset belongs even after the scene's own
 * provider changed. Over `regeneration_attempts as a` joined to `scenes as s`.
 */
export const attemptKind = sql<SceneKind>`case when s.duration > 0 and a.provider not in (${IMAGE_LIST})
    then 'video' else 'image' end`;

/** An attempt the judge scored: it has an analysis. Over `regeneration_attempts as a`. */
export const judgedAttempt = sql`a.analysis is not null`;

/**
 * What the learned choice learns from (src/rules/score-model.ts): per provider, content type,
 * kind and attempt number, the attempts, the judged ones, and the sums of their scores before and
 * after. The kind is the one the attempt made (`attemptKind`); an attempt
 * is judged when it has an analysis.
 */
export async function attemptEvidence(kysely: Kysely<DatabaseSchema>, request: AttemptEvidenceRequest): Promise<AttemptEvidence[]> {
  const contentType = sql<string>`lower(s.content_type)`;
  const judgedSum = (expression: string) => sql<number>`coalesce(sum(${sql.raw(expression)}) filter (where ${judgedAttempt}), 0)::float8`;
  const rows = await kysely
    .selectFrom('regeneration_attempts as a')
    .innerJoin('scenes as s', 's.id', 'a.scene_id')
    .select([
      'a.provider',
      contentType.as('content_type'),
      'a.attempt_number',
      sql<number>`count(*)::int`.as('attempts'),
      sql<number>`count(*) filter (where ${judgedAttempt})::int`.as('judged'),
      judgedSum('a.score_before').as('sum_before'),
      judgedSum('a.score_after').as('sum_after'),
      judgedSum('a.score_before * a.score_before').as('sum_before_squared'),
      judgedSum('a.score_after * a.score_after').as('sum_after_squared'),
      judgedSum('a.score_before * a.score_after').as('sum_before_after'),
    ])
    .where(attemptKind, '=', request.kind)
    // A repair's score says how well an edit fixed a near-pass, not what the provider generates.
    .where('a.kind', '=', 'generate')
    .groupBy(['a.provider', contentType, 'a.attempt_number'])
    .orderBy(contentType)
    .orderBy('a.provider')
    .orderBy('a.attempt_number')
    .execute();
  return rows.map((row) => ({
    provider: row.provider as ProviderName,
    contentType: row.content_type,
    kind: request.kind,
    attemptNumber: row.attempt_number,
    attempts: row.attempts,
    judged: row.judged,
    sumBefore: Number(row.sum_before),
    sumAfter: Number(row.sum_after),
    sumBeforeSquared: Number(row.sum_before_squared),
    sumAfterSquared: Number(row.sum_after_squared),
    sumBeforeAfter: Number(row.sum_before_after),
  }));
}

/**
 * What the recorded repairs of a kind say (src/rules/repair-value.ts): per editing provider, the
 * repairs, the judged ones, and the sums of their gains over the asset they edited.
 */
export async function repairEvidence(kysely: Kysely<DatabaseSchema>, request: AttemptEvidenceRequest): Promise<RepairEvidence[]> {
  const rows = await kysely
    .selectFrom('regeneration_attempts as a')
    .innerJoin('scenes as s', 's.id', 'a.scene_id')
    .select([
      'a.provider',
      sql<number>`count(*)::int`.as('repairs'),
      sql<number>`count(*) filter (where ${judgedAttempt})::int`.as('judged'),
      sql<number>`coalesce(sum(a.score_after - a.score_before) filter (where ${judgedAttempt}), 0)::float8`.as('sum_gain'),
      sql<number>`coalesce(sum((a.score_after - a.score_before) * (a.score_after - a.score_before)) filter (where ${judgedAttempt}), 0)::float8`.as('sum_gain_squared'),
    ])
    .where(attemptKind, '=', request.kind)
    .where('a.kind', '=', 'repair')
    .groupBy('a.provider')
    .orderBy('a.provider')
    .execute();
  return rows.map((row) => ({
    provider: row.provider as ProviderName,
    kind: request.kind,
    repairs: row.repairs,
    judged: row.judged,
    sumGain: Number(row.sum_gain),
    sumGainSquared: Number(row.sum_gain_squared),
  }));
}
