/**
 * The shapes the HTTP API answers with and takes, shared with the review page (type-only there,
 * so no server code reaches the browser).
 */
import type { AssetRef } from './asset';
import type { BestPick } from './best-pick';
import type { BrandProfile } from './brand';
import type { NotificationDelivery } from './notifications';
import type { SceneAnalysisResult } from './analysis';
import type { RegenerationAttempt, ReviewEntryStatus, UserDecision } from './regeneration';
import type { ProviderName } from './provider';
import type { PipelineScene, SceneStatus } from './scene';
import type { PeopleCalibration } from './calibration';

export interface ProjectView {
  id: number;
  name?: string;
  brandProfile?: BrandProfile;
  createdAt: string;
  updatedAt: string;
}

export interface StoredAttempt extends RegenerationAttempt {
  id: number;
  workflowId: string;
  runId?: string;
}

export interface SceneView extends PipelineScene {
  assetUrl?: string;
  asset?: AssetRef;
  analysis?: SceneAnalysisResult;
  qualityScore?: number;
  /** What the first asset and its analysis cost, before any regeneration. */
  initialCostUsd?: number;
  needsUserReview: boolean;
  status: SceneStatus;
  latestWorkflowId?: string;
  latestRunId?: string;
  /** The project's name, as the pipeline gave it (GET /api/scenes/:id and listings). */
  projectName?: string;
  createdAt: string;
  updatedAt: string;
  /** Oldest run first; within a run by round, then attempt number. */
  regenerationAttempts: StoredAttempt[];
  /** The outgoing webhooks about the scene and how each went, oldest first (GET /api/scenes/:id only). */
  notifications?: NotificationDelivery[];
}

export interface ReviewEntryView {
  id: number;
  sceneId: number;
  projectId: number;
  sceneIndex: number;
  workflowId: string;
  runId?: string;
  round: number;
  reason: string;
  /** Why the round stopped early (budget, not worth trying, providers), with its figures; absent for the usual reason. */
  reasonDetail?: string;
  bestScore: number;
  bestAttemptNumber?: number;
  /** The best a plain approve takes, and why; absent for entries made before it was recorded. */
  bestPick?: BestPick;
  attempts: RegenerationAttempt[];
  status: ReviewEntryStatus;
  decision?: UserDecision;
  decidedBy?: string;
  /** When the entry was closed; by a person (decidedBy) or, for the other endings, see closeReason. */
  decidedAt?: string;
  /** Why an entry no person decided was closed: expired, cancelled or superseded. */
  closeReason?: string;
  /** The project's name, as the pipeline gave it (listings only). */
  projectName?: string;
  createdAt: string;
}

/** A decision as the API takes it: the reviewer is whoever the token belongs to. */
export type DecisionBody =
  | Omit<Extract<UserDecision, { action: 'approve' }>, 'reviewer'>
  | Omit<Extract<UserDecision, { action: 'reject' }>, 'reviewer'>
  | Omit<Extract<UserDecision, { action: 'regenerate' }>, 'reviewer'>;

/** What GET /ui/config.json tells the page about its surroundings. */
export interface UiConfig {
  temporalUiUrl: string;
  temporalNamespace: string;
}

export type ReviewStatusFilter = 'pending' | 'decided' | 'all';

/** A page of a listing: `nextCursor` fetches the next one; absent on the last page. */
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/** A scene as GET /api/scenes lists it: the record without its attempts, with its project's name. */
export type SceneListItem = Omit<SceneView, 'regenerationAttempts' | 'notifications'> & { projectName?: string };

/** One provider × content type × kind, from the recorded attempts (GET /api/insights). */
export interface ProviderInsight {
  provider: ProviderName;
  /** Lower-cased. */
  contentType: string;
  kind: 'image' | 'video';
  /** Every recorded attempt, judged or not. */
  attempts: number;
  /** Attempts that got a judgment. */
  judgedAttempts: number;
  /** Passed over judged attempts; null when none was judged. */
  passRate: number | null;
  /** Mean score gain (after minus before) of judged attempts; null when none was judged. */
  meanGain: number | null;
  /** Every attempt's cost over the attempts that passed (each ended its round); null when none passed. */
  costPerPassedUsd: number | null;
  /** "repair": the row counts the provider's repairs, apart from its generations; absent: generations. */
  attemptKind?: 'repair';
}

/** How often a reviewer's approval took the asset the judge ranked best. */
export interface JudgeAgreement {
  /** Approvals decided by a reviewer (not by the review-timeout policy). */
  decided: number;
  /** Of those, approvals of the round's best (a plain approve, or naming the best). */
  approvedJudgesBest: number;
  /** approvedJudgesBest / decided; null when nothing was decided. */
  rate: number | null;
}

export interface InsightsResponse {
  providers: ProviderInsight[];
  agreement: JudgeAgreement;
  /** Per content type, what people's verdicts say: the calibrated bar and judge–people agreement. */
  calibration: PeopleCalibration[];
}

/** 202 of POST /api/scenes/:id/regenerate: the round started. */
export interface RoundStarted {
  workflowId: string;
  runId: string;
}

/** 202 of POST /api/scenes/:id/regeneration/cancel: the round was asked to cancel. */
export interface CancelRequested {
  workflowId: string;
  runId: string;
  /** The reviewer whose token asked. */
  requestedBy: string;
}

/** 202 of POST /api/review-queue/:entryId/decision: the decision was signalled to the round. */
export interface DecisionAccepted {
  entryId: number;
  workflowId: string;
  runId?: string;
  decision: UserDecision;
}

/** Every 4xx and 5xx answer. */
export interface ApiError {
  error: string;
}
