import type { SceneKind } from './scene';
import type { ProviderName } from './provider';

/**
 * What the recorded attempts say of one provider for one content type and kind, as insights
 * show it (CONTRACT.md `GET /api/insights`). An attempt is judged when it got an analysis: a failed
 * generation, download or analysis says nothing of how good the provider's assets are.
 */
export interface ProviderEvidence {
  provider: ProviderName;
  /** Lower-cased, as the scene gave it. */
  contentType: string;
  kind: SceneKind;
  /** Attempts that got a judgment. */
  judgedAttempts: number;
  /** Judged attempts with result 'success'. */
  passedAttempts: number;
  /** Mean (scoreAfter - scoreBefore) over judged attempts; 0 when none was judged. */
  meanGain: number;
  /** Sum of costUsd over all attempts, judged or not. */
  totalCostUsd: number;
  /** All attempts, judged or not. */
  attempts: number;
  /** "repair": the provider's repairs, counted apart from what it generates; absent: its generations. */
  attemptKind?: 'repair';
}

/**
 * What the recorded attempts say of one provider's judged scores for one content type, kind and
 * attempt number (SPEC.md "Cost and provider health", learned choice): counts and the sums a
 * regression of the score after on the round's score before needs, over judged attempts.
 */
export interface AttemptEvidence {
  provider: ProviderName;
  /** Lower-cased, as the scene gave it. */
  contentType: string;
  kind: SceneKind;
  attemptNumber: number;
  /** All attempts, judged or not. */
  attempts: number;
  /** Attempts that got a judgment; the sums below are over these. */
  judged: number;
  sumBefore: number;
  sumAfter: number;
  sumBeforeSquared: number;
  sumAfterSquared: number;
  sumBeforeAfter: number;
}

/** What a round asks for: every content type of its kind, so thin ones borrow from the others. */
export interface AttemptEvidenceRequest {
  kind: SceneKind;
}

/**
 * What the recorded repairs of one kind say of one editing provider (src/rules/repair-value.ts):
 * how many were made, how many got a judgment, and the sums of their gains (score after minus
 * the score of the asset they edited) over the judged ones.
 */
export interface RepairEvidence {
  provider: ProviderName;
  kind: SceneKind;
  repairs: number;
  judged: number;
  sumGain: number;
  sumGainSquared: number;
}
