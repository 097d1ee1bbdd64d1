import type { SceneAnalysisResult, SceneIssue } from './analysis';
import type { AssetRef } from './asset';
import type { BestPick, BestPickReason } from './best-pick';
import type { ProviderName } from './provider';
import type { PassingBar } from './calibration';
import type { JudgeView } from './judge-view';

export const ATTEMPT_RESULTS = ['success', 'failed', 'improved'] as const;
export type AttemptResult = (typeof ATTEMPT_RESULTS)[number];

export interface AttemptFailure {
  type: string;
  message: string;
}

/** One of the judge's verdicts on an attempt's asset: a score near the bar gets several. */
export interface AttemptJudgment {
  score: number;
  costUsd: number;
  /** Added field: what the judge was shown and asked, and by which model; absent for judgments recorded before views. */
  view?: JudgeView;
}

export interface RegenerationAttempt {
  /** 1.. within its round */
  attemptNumber: number;
  /** 1 for the automatic round, +1 per reviewer "regenerate" */
  round: number;
  /** ISO 8601 */
  timestamp: string;
  provider: ProviderName;
  prompt: string;
  result: AttemptResult;
  scoreBefore: number;
  scoreAfter: number;
  analysisResult?: SceneAnalysisResult;
  /** Where the stored copy is served, never an expiring provider URL. */
  assetUrl?: string;
  failure?: AttemptFailure;
  costUsd?: number;
  /** Added field: the passing score the attempt was judged against (its round's bar, RegenerationState.passingBar). */
  passingScore?: number;
  /** Added field: the provider's task id, so an attempt can be traced to its bill. */
  providerTaskId?: string;
  /** Added field: the stored copy's details (hash, media type, dimensions) behind assetUrl. */
  asset?: AssetRef;
  /**
   * Added field: every judgment of the asset in the order made, each with its view and cost
   * (costUsd above includes them all); scoreAfter is their combined estimate (src/rules/judging.ts).
   */
  judgments?: AttemptJudgment[];
  /**
   * Added field: providers the round would have used for this attempt but passed over, and why
   * (it cannot make the scene, or its circuit breaker is open); absent when none was.
   */
  skippedProviders?: SkippedProvider[];
  /** Added field: the step a failed attempt failed at, when known. */
  failedStep?: AttemptStep;
  /**
   * Added field: the figures the learned choice chose this attempt's provider by (SPEC.md "Cost
   * and provider health"); absent: the static map did.
   */
  providerChoice?: ProviderChoiceFigures;
  /** CONTRACT: "repair" edits the round's current asset; absent = "generate". */
  kind?: AttemptKind;
  /** Added field: what a repair asked for, and of which asset. */
  repair?: RepairRequest;
  /**
   * CONTRACT.md: every candidate of an attempt that made several at once (policy.candidates > 1,
   * or a deadline's last attempt); the attempt's own fields are the kept candidate's, and its
   * costUsd is every candidate's cost plus the comparison between them. Absent: one candidate.
   */
  candidates?: AttemptCandidate[];
  /** Added field: why the attempt made that many candidates (src/rules/candidates.ts); absent with candidates. */
  candidatesWhy?: CandidatesWhy;
}

export const ATTEMPT_KINDS = ['generate', 'repair'] as const;
export type AttemptKind = (typeof ATTEMPT_KINDS)[number];

/** A repair: the defects it names, the instruction sent, and the asset it edited (src/rules/repair.ts). */
export interface RepairRequest {
  instruction: string;
  defects: SceneIssue[];
  /** The edited asset: the round's current one (its stored URL), shown as "before" on the page. */
  sourceAssetUrl?: string;
  /** The attempt that made it; absent: the asset the round started from. */
  sourceAttemptNumber?: number;
  /** The prompt the edited asset was made from: what the repaired asset is judged against. */
  sourcePrompt: string;
}

/**
 * Why an attempt made the candidates it did: `policy` (policy.candidates), `deadline` (the time
 * left allowed only this attempt, so it made as many as it may), `budget` (fewer than asked, the
 * rest did not fit the round's or the project's budget).
 */
export type CandidatesWhy = 'policy' | 'deadline' | 'budget';

/** One candidate of an attempt (CONTRACT.md `RegenerationAttempt.candidates`). */
export interface AttemptCandidate {
  /** 1.. within its attempt */
  candidate: number;
  provider: ProviderName;
  prompt: string;
  /** Absent when the candidate failed before its asset was judged. */
  scoreAfter?: number;
  assetUrl?: string;
  /** Its generation and judgments (and nothing of the comparison between candidates). */
  costUsd?: number;
  kept: boolean;
  /** Added field: why the kept candidate was kept (src/domain/best-pick.ts BestPick reason); only on the kept one. */
  keptReason?: BestPickReason;
  /** Added fields: what approving this candidate needs, and why it failed when it did. */
  analysisResult?: SceneAnalysisResult;
  asset?: AssetRef;
  failure?: AttemptFailure;
  failedStep?: AttemptStep;
  providerTaskId?: string;
}

/** One provider the learned choice weighed for an attempt (src/rules/expected-value-choice.ts). */
export interface ProviderOption {
  provider: ProviderName;
  /** The option repairs the round's current asset with this provider instead of generating. */
  repair?: true;
  /** The expected chance that the attempt passes. */
  passChance: number;
  /** The chance drawn for exploration, which the pick follows. */
  drawnPassChance: number;
  /** The expected price of the attempt (generation and judgment), from the price table. */
  priceUsd: number;
  /** Value of a pass × chance − price, with what the attempts after it are worth if it fails. */
  valueUsd: number;
  /** The same with the drawn chances. */
  drawnValueUsd: number;
}

export interface ProviderChoiceFigures {
  by: 'expected_value';
  /** policy.reviewCostUsd: the person's review a pass saves. */
  valueOfPassUsd: number;
  /** This attempt and those after it. */
  attemptsLeft: number;
  /** Judged attempts of the scene's kind the model learned from. */
  evidence: number;
  options: ProviderOption[];
}

export interface SkippedProvider {
  provider: ProviderName;
  reason: string;
}

/** The steps of an attempt: the provider generates, our store keeps a copy, Claude judges it. */
export type AttemptStep = 'generate' | 'store' | 'judge';

/**
 * Why a round waits for a person (CONTRACT.md): no attempt reached the bar; the next attempt's
 * expected price would have gone past the round's or the project's budget; no remaining attempt
 * was expected to be worth its price; or every provider that could make the scene stayed
 * unavailable (circuit breakers open) past the attempt's deadline.
 */
export type EscalationReason = 'auto_regeneration_failed' | 'budget_exhausted' | 'not_worth_trying' | 'providers_unavailable';

export const DECISION_ACTIONS = ['approve', 'reject', 'regenerate'] as const;
export type DecisionAction = (typeof DECISION_ACTIONS)[number];

/** Who a decision the review-timeout policy made (SPEC.md) is recorded as: no person. */
export const REVIEW_TIMEOUT_REVIEWER = 'review-timeout';

/** Limits of a decision's free text, shared by the workflow, the API and the page. */
export const DECISION_LIMITS = { reviewer: 200, note: 2000, customPrompt: 4000 } as const;

export type UserDecision =
  /**
   * No attemptNumber: the round's best (RegenerationState.bestPick); 0: the scene's asset from
   * before the round. `candidate` (CONTRACT.md) names one of the attempt's candidates; absent:
   * the one the attempt kept.
   */
  | { action: 'approve'; attemptNumber?: number; candidate?: number; reviewer: string; note?: string }
  | { action: 'reject'; reviewer: string; note?: string }
  | { action: 'regenerate'; customPrompt?: string; provider?: ProviderName; reviewer: string; note?: string };

export type RegenerationStatus = 'regenerating' | 'awaiting_review' | 'passed' | 'approved' | 'rejected' | 'review_timed_out' | 'cancelled';

export interface RegenerationState {
  sceneId: number;
  status: RegenerationStatus;
  round: number;
  /** The attempt in progress, 0 when none. */
  attempt: number;
  maxAttempts: number;
  currentScore: number;
  /** The round's best (SPEC.md "Judging and choosing"): bestPick.attemptNumber when bestPick is set. */
  bestAttemptNumber?: number;
  /** Added field: the round's best and why; absent in rounds recorded before the pairwise best pick. */
  bestPick?: BestPick;
  /** Added field: the passing score this round judges against and why (configured or calibrated); absent until the round opens. */
  passingBar?: PassingBar;
  attempts: RegenerationAttempt[];
  awaitingReviewSince?: string;
  decision?: UserDecision;
  /** Added field: the review-queue entry the round waits on, so a run made by a reset can be matched to it. */
  reviewEntryId?: number;
}

/** Review-queue entry statuses (CONTRACT.md); every one but `pending` closes the entry. */
export const REVIEW_ENTRY_STATUSES = ['pending', 'decided', 'expired', 'cancelled', 'superseded'] as const;
export type ReviewEntryStatus = (typeof REVIEW_ENTRY_STATUSES)[number];
export type ReviewEntryEnding = Exclude<ReviewEntryStatus, 'pending'>;

export type RegenerationOutcome = 'passed' | 'approved' | 'rejected' | 'review_timed_out' | 'cancelled';

export interface RegenerationResult {
  /** true when the outcome is "passed" or "approved" */
  success: boolean;
  outcome: RegenerationOutcome;
  finalScore: number;
  attempts: RegenerationAttempt[];
  escalatedToUser: boolean;
  newAssetUrl?: string;
  newAnalysis?: SceneAnalysisResult;
  review?: { decision: UserDecision; decidedAt: string };
}

export interface SceneAssetResult {
  sceneId: number;
  assetUrl?: string;
  analysis?: SceneAnalysisResult;
  qualityScore?: number;
  regeneration?: RegenerationResult;
  needsUserReview: boolean;
  /** Added field: the round waiting for a reviewer, when the scene is in the review queue. */
  reviewWorkflowId?: string;
}
