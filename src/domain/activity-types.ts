/**
 * The signatures of every activity the workflows call. Workflows `import type` these, the
 * worker wires real implementations (activities/), and workflow tests pass mocks of the same
 * shape. Inputs and outputs are small JSON: references, never bytes, never secrets.
 */
import type { ProviderName } from './provider';
import type { SceneAnalysisResult } from './analysis';
import type { BrandProfile } from './brand';
import type { AssetRef } from './asset';
import type { BestPick, PairwiseAnswer } from './best-pick';
import type { PipelineScene, Scene } from './scene';
import type { ProviderEvidence, ProviderEvidenceRequest } from './provider-evidence';
import type {
  EscalationReason,
  RegenerationAttempt,
  RegenerationOutcome,
  SkippedProvider,
  UserDecision,
} from './regeneration';

import type { SceneKind } from './scene';

export interface GenerationRequest {
  provider: ProviderName;
  prompt: string;
  kind: SceneKind;
  /** Seconds of video wanted; 0 for an image. */
  durationSeconds: number;
  aspectRatio: string;
  /** workflowId/round/attempt: the same key never pays a provider twice. */
  idempotencyKey: string;
}

export interface GenerationTask {
  provider: ProviderName;
  taskId: string;
  kind: SceneKind;
  durationSeconds: number;
}

/**
 * The provider already runs as many of our generations as its limit allows (PROVIDER_CONCURRENCY):
 * nothing was submitted, and the workflow asks again after `retryAfterMs` on a durable timer.
 */
export interface ProviderBusy {
  busy: true;
  provider: ProviderName;
  retryAfterMs: number;
}

export interface GenerationOutput {
  provider: ProviderName;
  taskId: string;
  outputUrl: string;
  costUsd: number;
}

export interface StoreAssetRequest {
  url: string;
  sceneId: number;
  expectedKind: SceneKind;
}

/** What the judge is told of the scene; the aspect ratio is the one the provider was asked for. */
export type SceneForAnalysis = Pick<Scene, 'id' | 'sceneType' | 'contentType' | 'narration' | 'visualDirection' | 'duration'> & {
  aspectRatio: string;
};

export interface AnalyzeAssetRequest {
  asset: AssetRef;
  scene: SceneForAnalysis;
  /** The prompt the asset was generated from, for the judge's improved prompt. */
  prompt: string;
  brandProfile?: BrandProfile;
  minScoreToPass: number;
}

export interface AnalysisUsage {
  inputTokens: number;
  outputTokens: number;
  cacheCreationInputTokens: number;
  cacheReadInputTokens: number;
  imagesSent: number;
}

export interface AnalyzeAssetResult {
  analysis: SceneAnalysisResult;
  costUsd: number;
  /** Absent when technical checks failed the asset without asking the model. */
  usage?: AnalysisUsage;
  modelSkipped: boolean;
}

/** Two judged assets of one scene whose scores are too close to choose between (SPEC.md). */
export interface CompareAssetsRequest {
  scene: SceneForAnalysis;
  brandProfile?: BrandProfile;
  /** Shown first in the first request and second in the other; the higher-ranked of the two. */
  first: AssetRef;
  second: AssetRef;
}

export interface CompareAssetsResult {
  /**
   * Claude's answer to each order, as it gave it, in the order that request showed:
   * [with `first` shown first, with `second` shown first] (what rules/best-pick.ts decideBest reads).
   */
  answers: [PairwiseAnswer, PairwiseAnswer];
  /** Both requests. */
  costUsd: number;
  usage?: AnalysisUsage;
}

export interface RecordAttemptRequest {
  workflowId: string;
  /**
   * The workflow run, because `regenerate-scene-<id>` is reused by later runs. Optional: the
   * database activities read it from their activity context when absent.
   */
  runId?: string;
  sceneId: number;
  projectId: number;
  attempt: RegenerationAttempt;
}

export interface EscalateToReviewRequest {
  workflowId: string;
  /** See RecordAttemptRequest.runId. */
  runId?: string;
  round: number;
  sceneId: number;
  projectId: number;
  sceneIndex: number;
  reason: EscalationReason;
  bestScore: number;
  bestAttemptNumber?: number;
  /** Why the best is the best; absent in rounds recorded before the pairwise best pick. */
  bestPick?: BestPick;
  attempts: RegenerationAttempt[];
  escalatedAt: string;
  /** The round's reviewTimeout ("72h"), for the reminders before it runs out; absent: none. */
  reviewTimeout?: string;
}

export interface CloseReviewEntryRequest {
  /** What escalateToReview returned; it survives a reset of the run, unlike the run id. */
  entryId?: number;
  workflowId: string;
  /** See RecordAttemptRequest.runId. */
  runId?: string;
  round: number;
  decision: UserDecision;
  decidedAt: string;
}

export interface EndReviewEntryRequest {
  entryId: number;
  workflowId: string;
  round: number;
  /** SPEC.md "How a round ends": a review timeout with nothing to do, or a cancelled round. */
  status: 'expired' | 'cancelled';
  reason: string;
  endedAt: string;
}

export interface RestoreSceneRequest {
  workflowId: string;
  /** See RecordAttemptRequest.runId. */
  runId?: string;
  sceneId: number;
  /** For the `round.ended` event: the score the scene keeps, and what the rounds cost. */
  finalScore?: number;
  costUsd?: number;
}

/** A regeneration round that is still running for a scene, as Temporal describes it. */
export interface RoundInProgress {
  workflowId: string;
  runId: string;
  /** The round's RegenStatus search attribute: regenerating or awaiting_review. */
  status: string;
}

export interface SaveSceneOutcomeRequest {
  workflowId: string;
  /** See RecordAttemptRequest.runId. */
  runId?: string;
  sceneId: number;
  /** A cancelled round writes its ending with restoreSceneAfterCancel instead. */
  outcome: Exclude<RegenerationOutcome, 'cancelled'>;
  finalScore: number;
  needsUserReview: boolean;
  /**
   * Absent when the scene keeps no generated asset (rejected) or nothing changed. `ref`, when
   * known, keeps the scene's stored asset details (media type, size) current.
   */
  asset?: { url: string; provider?: ProviderName; ref?: AssetRef };
  analysis?: SceneAnalysisResult;
  /** Every attempt of the workflow's rounds, in US dollars (the `round.ended` event); absent: this run's recorded attempts. */
  costUsd?: number;
}

export interface SaveSceneRequest {
  scene: PipelineScene;
  project?: { id: number; name?: string; brandProfile?: BrandProfile; budgetUsd?: number };
  /**
   * The scene's asset and analysis as the caller knows them: a regeneration started directly
   * (not after sceneAssetWorkflow) registers its starting point so reviewers can compare.
   */
  current?: { assetUrl?: string; analysis: SceneAnalysisResult };
}

export interface SaveSceneAnalysisRequest {
  sceneId: number;
  workflowId: string;
  asset: AssetRef;
  provider: ProviderName;
  analysis: SceneAnalysisResult;
  costUsd: number;
}

/** Asked at each attempt's provider choice: which of these providers may be used now. */
export interface PickProviderRequest {
  /** Providers that can make the scene, best first (src/rules/provider-choice.ts). */
  candidates: ProviderName[];
  /** The attempt's idempotency key: it names the attempt's probe, so a retried ask keeps it. */
  attemptKey: string;
}

export interface PickProviderAnswer {
  /** The first candidate whose circuit breaker lets it through; absent when all are cooling down. */
  provider?: ProviderName;
  /** The attempt is the one probe of a provider whose cooldown is over. */
  probe: boolean;
  /** Candidates passed over before it, with the reason. */
  skipped: SkippedProvider[];
}

/** What an attempt said about its provider's health (src/rules/provider-health.ts). */
export type ProviderOutcome = 'success' | 'failure' | 'neutral';

export interface ProviderOutcomeReport {
  provider: ProviderName;
  outcome: ProviderOutcome;
  /** The attempt's idempotency key: a retried report counts once. */
  attemptKey: string;
}

export interface GenerationActivities {
  submitGeneration(request: GenerationRequest): Promise<GenerationTask | ProviderBusy>;
  /**
   * One look at the provider's task: its output when done; fails with GENERATION_NOT_READY while
   * it runs, which the workflow's retry policy turns into the next look (no worker slot held
   * between looks).
   */
  checkGeneration(task: GenerationTask): Promise<GenerationOutput>;
  /** Asks the provider to stop a task the round no longer wants, and gives back its place. */
  cancelGeneration(task: GenerationTask): Promise<void>;
  /** Waits inside one activity, holding a slot: only for rounds started before checkGeneration. */
  awaitGeneration(task: GenerationTask): Promise<GenerationOutput>;
}

/** The failure type checkGeneration reports while the task still runs: not a failure of the attempt. */
export const GENERATION_NOT_READY = 'generation_not_ready';

export interface FetchActivities {
  storeAsset(request: StoreAssetRequest): Promise<AssetRef>;
}

export interface AnalysisActivities {
  analyzeAsset(request: AnalyzeAssetRequest): Promise<AnalyzeAssetResult>;
  /** One pairwise judgment: Claude asked once per order which of two judged assets is better. */
  compareAssets(request: CompareAssetsRequest): Promise<CompareAssetsResult>;
}

export interface DatabaseActivities {
  recordAttempt(request: RecordAttemptRequest): Promise<void>;
  escalateToReview(request: EscalateToReviewRequest): Promise<{ entryId: number }>;
  closeReviewEntry(request: CloseReviewEntryRequest): Promise<void>;
  endReviewEntry(request: EndReviewEntryRequest): Promise<void>;
  restoreSceneAfterCancel(request: RestoreSceneRequest): Promise<void>;
  saveSceneOutcome(request: SaveSceneOutcomeRequest): Promise<void>;
  saveScene(request: SaveSceneRequest): Promise<void>;
  saveSceneAnalysis(request: SaveSceneAnalysisRequest): Promise<void>;
  /** The shared circuit breakers, read (and a probe claimed) at each attempt's provider choice. */
  pickProvider(request: PickProviderRequest): Promise<PickProviderAnswer>;
  /** Counts an attempt's outcome on its provider's breaker. */
  recordProviderOutcome(report: ProviderOutcomeReport): Promise<void>;
  /**
   * What a project has spent and its budget: read before each attempt by rounds started before
   * budget holds (reserveProjectBudget), which must still be able to finish.
   */
  projectSpend(request: ProjectSpendRequest): Promise<ProjectSpend>;
  /**
   * Holds an attempt's expected price against its project's budget, or refuses the attempt when
   * what the project spent and what attempts under way hold leave no room for it
   * (src/rules/budget.ts). Read and held in one transaction per project, so rounds of one
   * project on many workers cannot all start on the same spending.
   */
  reserveProjectBudget(request: ReserveBudgetRequest): Promise<BudgetReservation>;
  /**
   * What the recorded attempts say of each provider for one content type and kind, read once at
   * a round's start for the learned provider choice (src/rules/learned-choice.ts).
   */
  providerEvidence(request: ProviderEvidenceRequest): Promise<ProviderEvidence[]>;
}

export interface ProjectSpendRequest {
  projectId: number;
}

export interface ProjectSpend {
  /** Every recorded attempt's cost and every first asset's, in US dollars. */
  spentUsd: number;
  /** The project's budget; absent: none. */
  budgetUsd?: number;
}

/** One attempt's hold on its project's budget, keyed like the attempt it is for. */
export interface ReserveBudgetRequest {
  projectId: number;
  workflowId: string;
  /** The round's run; the calling activity's run when absent. */
  runId?: string;
  round: number;
  attemptNumber: number;
  /** The attempt's expected price (src/rules/budget.ts expectedAttemptUsd). */
  expectedUsd: number;
  /** How long the hold lasts if the attempt is never recorded (its run was terminated). */
  holdMs: number;
}

export interface BudgetReservation extends ProjectSpend {
  /** The attempt may start: its price is held (or the project has no budget). */
  granted: boolean;
  /** What other attempts of the project, started and not yet recorded, hold. */
  heldUsd: number;
  /** Why the attempt may not start, when it may not. */
  message?: string;
}

export interface RoundActivities {
  /** The scene's regeneration round, when one is running or awaiting review; undefined otherwise. */
  findRoundInProgress(request: { sceneId: number }): Promise<RoundInProgress | undefined>;
}

export type SceneActivities = GenerationActivities &
  FetchActivities &
  AnalysisActivities &
  DatabaseActivities &
  RoundActivities;
