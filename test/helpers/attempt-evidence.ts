import type { AttemptEvidence } from '../../src/domain/provider-evidence';
import type { ProviderName } from '../../src/domain/provider';
import type { SceneKind } from '../../src/domain/scene';

/** One recorded attempt as the learned choice's evidence counts it (src/db/attempt-evidence.ts). */
export interface EvidenceAttempt {
  provider: ProviderName;
  contentType: string;
  kind: SceneKind;
  attemptNumber: number;
  scoreBefore: number;
  /** Absent: the attempt failed before it was judged. */
  scoreAfter?: number;
}

/** Adds one attempt to the evidence, as the database's sums would count it. */
export function addEvidence(evidence: AttemptEvidence[], attempt: EvidenceAttempt): void {
  const contentType = attempt.contentType.toLowerCase();
  let row = evidence.find(
    (e) => e.provider === attempt.provider && e.contentType === contentType && e.kind === attempt.kind && e.attemptNumber === attempt.attemptNumber,
  );
  if (row === undefined) {
    row = {
      provider: attempt.provider,
      contentType,
      kind: attempt.kind,
      attemptNumber: attempt.attemptNumber,
      attempts: 0,
      judged: 0,
      sumBefore: 0,
      sumAfter: 0,
      sumBeforeSquared: 0,
      sumAfterSquared: 0,
      sumBeforeAfter: 0,
    };
    evidence.push(row);
  }
  row.attempts += 1;
  if (attempt.scoreAfter === undefined) return;
  const { scoreBefore: x, scoreAfter: y } = attempt;
  row.judged += 1;
  row.sumBefore += x;
  row.sumAfter += y;
  row.sumBeforeSquared += x * x;
  row.sumAfterSquared += y * y;
  row.sumBeforeAfter += x * y;
}

/** The evidence of these attempts. */
export function evidenceOf(attempts: readonly EvidenceAttempt[]): AttemptEvidence[] {
  const evidence: AttemptEvidence[] = [];
  for (const attempt of attempts) addEvidence(evidence, attempt);
  return evidence;
}

/**
 * `count` judged attempts of one provider, content type and attempt number whose scores after
 * average `meanAfter`, spread evenly ±`spread` (no randomness, so a table's figures are exact),
 * each from a round whose score before was `scoreBefore`.
 */
export function judgedAttempts(
  provider: ProviderName,
  contentType: string,
  count: number,
  meanAfter: number,
  options: { kind?: SceneKind; attemptNumber?: number; scoreBefore?: number; spread?: number } = {},
): EvidenceAttempt[] {
  const { kind = 'video', attemptNumber = 2, scoreBefore = 50, spread = 10 } = options;
  return Array.from({ length: count }, (_, i) => ({
    provider,
    contentType,
    kind,
    attemptNumber,
    scoreBefore,
    scoreAfter: meanAfter + (count === 1 ? 0 : spread * ((2 * i) / (count - 1) - 1)),
  }));
}
