/** The shapes the web server answers with, as the server defines them (type-only imports). */
import type { ReviewEntryView } from '../../../web/api-types';
import type { RegenerationState as DomainRegenerationState } from '../../../domain/regeneration';

export type {
  DecisionBody,
  InsightsResponse,
  Page,
  ProviderInsight as InsightRow,
  ReviewStatusFilter,
  SceneView as Scene,
  StoredAttempt,
  UiConfig,
} from '../../../web/api-types';
export type { AssetRef } from '../../../domain/asset';
export type { SceneAnalysisResult, SceneIssue, IssueCategory } from '../../../domain/analysis';
export type { ProviderName } from '../../../domain/provider';
export type { RegenerationAttempt, UserDecision } from '../../../domain/regeneration';

/** Why an asset is the round's best (SPEC.md "Judging and choosing"), as the server sends it. */
export type BestPickReason = 'only_candidate' | 'highest_score' | 'pairwise' | 'pairwise_split';
export interface BestPick {
  /** undefined = the asset the round started from. */
  attemptNumber?: number;
  score: number;
  reason: BestPickReason;
  /** The asset it was compared with or beat. */
  runnerUp?: { attemptNumber?: number; score: number };
}

/** A queue entry; rounds judged before the best pick was recorded have no bestPick. */
export type ReviewEntry = ReviewEntryView & { bestPick?: BestPick };
/** A round's live state; bestPick is absent from rounds that started before it was kept. */
export type RegenerationState = DomainRegenerationState & { bestPick?: BestPick };
