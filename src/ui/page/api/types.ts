/** The shapes the web server answers with, as the server defines them (type-only imports). */
export type {
  DecisionBody,
  InsightsResponse,
  Page,
  ProviderInsight as InsightRow,
  ReviewEntryView as ReviewEntry,
  ReviewStatusFilter,
  SceneView as Scene,
  StoredAttempt,
  UiConfig,
} from '../../../domain/http-api';
export type { AssetRef } from '../../../domain/asset';
export type { PeopleCalibration } from '../../../domain/calibration';
export type { SceneAnalysisResult, SceneIssue, IssueCategory } from '../../../domain/analysis';
export type { ProviderName } from '../../../domain/provider';
export type { AttemptCandidate, RegenerationAttempt, RegenerationState, RepairRequest, UserDecision } from '../../../domain/regeneration';
export type { BestPick, BestPickReason } from '../../../domain/best-pick';
export type { NotificationDelivery, NotificationEvent } from '../../../domain/notifications';
