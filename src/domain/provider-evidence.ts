import type { SceneKind } from './scene';
import type { ProviderName } from './provider';

/**
 * What the recorded attempts say of one provider for one content type and kind (SPEC.md "Cost
 * and provider health", learned choice). An attempt is judged when it got an analysis: a failed
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
}

/** What a round asks for at its start: the evidence for its own content type and kind only. */
export interface ProviderEvidenceRequest {
  contentType: string;
  kind: SceneKind;
}
