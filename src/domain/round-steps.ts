import type { SceneAnalysisResult } from './analysis';
import type { AssetRef } from './asset';
import type { BestPick } from './best-pick';
import type { PassingBar } from './calibration';
import type { ProjectRef } from './brand';
import type { RegenerationPolicy } from './policy';
import type { ProviderName } from './provider';
import type { AttemptKind, CandidatesWhy, EscalationReason, ProviderChoiceFigures, RegenerationAttempt, SkippedProvider, UserDecision } from './regeneration';
import type { PipelineScene, SceneNeeds } from './scene';

/*
 * What a round writes and decides with the database between its generations and judgments
 * (activities/round-steps.ts). Each step is one activity: a write that belongs to a step is part
 * of that step's activity, so a round of three attempts takes few workflow tasks.
 */

/** Which round of which scene a write belongs to. */
export interface RoundRef {
  workflowId: string;
  /** The run, because `regenerate-scene-<id>` is reused by later runs; the calling activity's own when absent. */
  runId?: string;
  round: number;
  sceneId: number;
  projectId: number;
}

/** What choosing an attempt's provider, and holding its price, read (SPEC.md "Cost and provider health"). */
export interface AttemptContext {
  attemptNumber: number;
  /** Attempt 1's provider under the static map and the one attempt 2 avoids: the scene's, or a person's for this round. */
  roundProvider: ProviderName;
  /** A person named roundProvider for this round: attempt 1 keeps it whatever the learned choice would take. */
  providerNamed?: boolean;
  /** Providers this round's attempts already used. */
  usedThisRound: ProviderName[];
  /** What this round's attempts cost so far, against policy.maxCostUsd. */
  roundSpentUsd: number;
  /** The round's current score, what the attempt is judged against (the learned choice reads it). */
  currentScore: number;
  contentType: string;
  needs: SceneNeeds;
  policy: RegenerationPolicy;
  /**
   * The rules chose to repair the current asset (src/rules/repair.ts): the providers that can
   * edit it, best first. The attempt repairs with the first usable one, or generates when none is.
   */
  repair?: { editors: ProviderName[] };
}

/** Why an attempt does not start: the round escalates with the reason, or waits and asks again. */
export type AttemptRefusal =
  | { start: false; reason: 'budget_exhausted'; message: string }
  /** No remaining attempt is expected to be worth its price: the figures the choice weighed. */
  | { start: false; reason: 'not_worth_trying'; message: string; providerChoice: ProviderChoiceFigures }
  /** Every provider that could make the scene is cooling down; the earliest is back after `retryAfterMs`. */
  | { start: false; reason: 'providers_unavailable'; message: string; retryAfterMs?: number; waitUpToMs: number };

export type AttemptStart =
  | {
      start: true;
      provider: ProviderName;
      /** Providers passed over, with the reason (cannot make the scene, no key, breaker open). */
      skipped: SkippedProvider[];
      /** The learned choice's figures, when the recorded attempts chose it over the static map. */
      providerChoice?: ProviderChoiceFigures;
      /** The price held against the project's budget until the attempt is recorded: every candidate's. */
      expectedUsd: number;
      /** "repair": the provider edits the current asset; absent: it generates anew. */
      kind?: AttemptKind;
      /**
       * Added field: each candidate's provider, candidate 1's (`provider`) first, when the attempt
       * makes several at once (src/rules/candidates.ts); absent: one.
       */
      candidates?: ProviderName[];
      /** Why the attempt makes that many candidates; with `candidates`. */
      candidatesWhy?: CandidatesWhy;
    }
  | AttemptRefusal;

/** A round opened: its first attempt's start, and the passing score the round judges against. */
export type RoundOpening = AttemptStart & {
  /** Absent in histories recorded before rounds read their bar: the configured score applies. */
  passingBar?: PassingBar;
};

/** Where the scene stood when a round was started directly (by the API or an operator). */
export interface SaveSceneRequest {
  scene: PipelineScene;
  project?: ProjectRef;
  /**
   * The scene's asset and analysis as the caller knows them: a regeneration started directly
   * (not after sceneAssetWorkflow) registers its starting point so reviewers can compare.
   */
  current?: { assetUrl?: string; analysis: SceneAnalysisResult };
}

/** A round begins: the first of a run started directly, or a reviewer's "regenerate". */
export interface OpenRoundRequest {
  ref: RoundRef;
  /** The scene to store first, when the round is the first to know it. */
  saveScene?: SaveSceneRequest;
  /** The reviewer's decision that started this round, closing the last round's entry. */
  decided?: DecidedEntry;
  firstAttempt: AttemptContext;
}

export interface DecidedEntry {
  /** What escalateToReview returned; it survives a reset of the run, unlike the run id. */
  entryId: number;
  decision: UserDecision;
  decidedAt: string;
}

/** An attempt ended: it is recorded (with its provider's health), and the next one starts when asked. */
export interface RecordAttemptRequest {
  ref: RoundRef;
  attempt: RegenerationAttempt;
  /** The attempt after it, to start in the same step. */
  next?: AttemptContext;
}

export interface EscalateToReviewRequest {
  ref: RoundRef;
  /** The round's last attempt, when it has not been recorded yet. */
  attempt?: RegenerationAttempt;
  sceneIndex: number;
  reason: EscalationReason;
  bestScore: number;
  bestAttemptNumber?: number;
  /** Absent when nothing the round made, nor the scene's own asset, could be approved. */
  bestPick?: BestPick;
  attempts: RegenerationAttempt[];
  escalatedAt: string;
  /** Why the round stopped early (budget, providers), in words a reviewer reads. */
  message?: string;
  /** The round's reviewTimeout ("72h"), for the reminders before it runs out; absent: none. */
  reviewTimeout?: string;
}

/** The asset a scene row keeps: asset, analysis, score and provider always together. */
export interface KeptAsset {
  url: string;
  ref?: AssetRef;
  provider: ProviderName;
  analysis: SceneAnalysisResult;
  score: number;
}

/** SPEC.md "How a round ends": what the scene row says once the round is over. */
export type SceneEnding =
  | { outcome: 'passed' | 'approved'; asset: KeptAsset }
  /** No generated asset kept. */
  | { outcome: 'rejected' }
  /** The asset from before the round stays, flagged for review. */
  | { outcome: 'review_timed_out' }
  /** The scene gets back the status it had before the round; its asset never changed. */
  | { outcome: 'cancelled' };

export type EntryEnding = DecidedEntry | { entryId: number; status: 'expired' | 'cancelled'; reason: string; endedAt: string };

/** A passed round sampled for people: an `audit` entry that blocks nothing; the person's verdict is a label. */
export interface AuditRequest {
  sceneIndex: number;
  /** The passed attempt's score and number: what the person is asked to accept or turn down. */
  bestScore: number;
  bestAttemptNumber: number;
  bestPick?: BestPick;
  attempts: RegenerationAttempt[];
  requestedAt: string;
}

/** A round ends: its last attempt recorded, its entry closed, the scene written, everything it held let go. */
export interface EndRoundRequest {
  ref: RoundRef;
  attempt?: RegenerationAttempt;
  entry?: EntryEnding;
  scene: SceneEnding;
  /** A passed round sampled for an audit (src/rules/audit.ts). */
  audit?: AuditRequest;
  /** For the `round.ended` webhook: the round's final score, and what every attempt of its rounds cost. */
  figures?: RoundFigures;
}

export interface RoundFigures {
  finalScore: number;
  costUsd: number;
}

export interface SaveSceneAnalysisRequest {
  sceneId: number;
  workflowId: string;
  asset: AssetRef;
  provider: ProviderName;
  analysis: SceneAnalysisResult;
  costUsd: number;
}

/** A regeneration round that is still running for a scene, as Temporal describes it. */
export interface RoundInProgress {
  workflowId: string;
  runId: string;
  /** The round's RegenStatus search attribute: regenerating or awaiting_review. */
  status: string;
}

/** Asked at each attempt's provider choice: which of these providers may be used now. */
export interface PickProviderRequest {
  /** Providers that can make the scene, best first (src/rules/provider-choice.ts). */
  candidates: ProviderName[];
  /** The attempt's key: it names the attempt's probe, so a retried ask keeps it. */
  attemptKey: string;
}

export interface PickProviderAnswer {
  /** The first candidate whose circuit breaker lets it through; absent when all are cooling down. */
  provider?: ProviderName;
  /** The attempt is the one probe of a provider whose cooldown is over. */
  probe: boolean;
  /** Candidates passed over before it, with the reason. */
  skipped: SkippedProvider[];
  /** When every candidate is cooling down: how long until the first of them lets a probe through. */
  retryAfterMs?: number;
}

/** What an attempt said about its provider's health (src/rules/provider-health.ts). */
export type ProviderOutcome = 'success' | 'failure' | 'neutral';

export interface ProviderOutcomeReport {
  provider: ProviderName;
  outcome: ProviderOutcome;
  /** The attempt's key: a retried report counts once. */
  attemptKey: string;
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
