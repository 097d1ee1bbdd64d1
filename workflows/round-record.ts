import { CancellationScope, getExternalWorkflowHandle, isCancellation, log, setCurrentDetails, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { PairwiseAnswer } from '../src/domain/best-pick';
import type { CarriedRound, RegenerateSceneInput, RoundAsset } from '../src/domain/inputs';
import type { ProviderName } from '../src/domain/provider';
import type { PassingBar } from '../src/domain/calibration';
import type { RegenerationPolicy } from '../src/domain/policy';
import type { SceneKind } from '../src/domain/scene';
import type {
  EscalationReason,
  RegenerationAttempt,
  RegenerationOutcome,
  RegenerationResult,
  RegenerationState,
  RegenerationStatus,
  UserDecision,
} from '../src/domain/regeneration';
import type { AttemptContext, AuditRequest, EntryEnding, KeptAsset, RoundRef, SceneEnding } from '../src/domain/round-steps';
import { roundUsd } from '../src/catalog/cost';
import { auditSampled } from '../src/rules/audit';
import { bestCandidates, decideBest, needsPairwise, pairKey, rankByScore } from '../src/rules/best-pick';
import { judgingSettings } from '../src/rules/judging';
import { sceneNeeds } from '../src/rules/provider-choice';
import { chooseRepair, repairFailedOn, type RepairChoice } from '../src/rules/repair';
import { roundDetails } from '../src/rules/round-story';
import { endRound, escalateToReview } from './activities';
import { AttemptCancelled } from './attempt';
import { compareTopTwo } from './best-pick';
import { BestScoreKey, getRegenerationStateQuery, ProjectIdKey, regenerationEscalatedSignal, RegenStatusKey, SceneIdKey } from './messages';

export type Review = NonNullable<RegenerationResult['review']>;

/** What a person asked of a round: their prompt and provider take the place of the scene's. */
export interface RoundDirection {
  personPrompt?: string;
  provider: ProviderName;
  /** A person named the provider (a manual round, a reviewer's regenerate with one): attempt 1 keeps it. */
  providerNamed: boolean;
}

/**
 * What a round knows about itself (the state the query answers and the search attributes mirror)
 * and the only place that changes it: each way a round moves on or ends is one method here.
 */
export class RoundRecord {
  readonly state: RegenerationState;
  /** What later prompts are built from: the round's start, or its last attempt that did not fail. */
  current: RoundAsset;
  /** The asset this round started from: a candidate for best like its attempts. */
  private roundStart: RoundAsset;
  /** The scene's asset from before the first round: what it keeps when no asset is taken. */
  private readonly sceneAsset: RoundAsset;
  /** This round's pairwise answers by pair (src/rules/best-pick.ts pairKey): a pair is asked once. */
  private readonly comparedPairs = new Map<string, readonly [PairwiseAnswer, PairwiseAnswer]>();
  private escalated: boolean;
  /** Who directs this round: a person's prompt and provider take the place of the scene's. */
  direction: RoundDirection;
  /** The policy as this round applies it: the configured one with the round's passing score (useBar). */
  policy: RegenerationPolicy;

  constructor(
    private readonly input: RegenerateSceneInput,
    private readonly configured: RegenerationPolicy,
  ) {
    this.policy = configured;
    const { scene, carried } = input;
    this.sceneAsset = carried?.runStart ?? {
      score: scene.analysisResult.overallScore,
      analysis: scene.analysisResult,
      assetUrl: scene.currentAssetUrl,
      assetRef: scene.currentAsset,
      provider: scene.currentProvider,
    };
    this.current = carried?.current ?? this.sceneAsset;
    this.roundStart = this.current;
    // A run continued from another only exists because a reviewer sent the round back.
    this.escalated = carried !== undefined;
    const decided = carried?.decided?.decision;
    this.direction = carried
      ? { personPrompt: carried.personPrompt, provider: carried.provider, providerNamed: decided?.action === 'regenerate' && decided.provider !== undefined }
      : { personPrompt: input.customPrompt, provider: input.provider ?? scene.currentProvider, providerNamed: input.provider !== undefined };
    this.state = {
      sceneId: scene.id,
      status: 'regenerating',
      round: carried?.round ?? 1,
      attempt: 0,
      maxAttempts: configured.maxAttempts,
      currentScore: this.current.score,
      attempts: carried ? [...carried.attempts] : [],
    };
    this.rankBest();
    setHandler(getRegenerationStateQuery, () => this.state);
    upsertSearchAttributes([
      { key: SceneIdKey, value: scene.id },
      { key: ProjectIdKey, value: scene.projectId },
    ]);
    this.setStatus('regenerating');
  }

  /** Where the round's writes go: this workflow, this round, this scene. */
  ref(): RoundRef {
    const { scene } = this.input;
    return { workflowId: workflowInfo().workflowId, round: this.state.round, sceneId: scene.id, projectId: scene.projectId };
  }

  /** What choosing the attempt's provider reads (activities/round-steps.ts). */
  attemptContext(attemptNumber: number, roundProvider: AttemptContext['roundProvider']): AttemptContext {
    const { scene } = this.input;
    const attempts = this.roundAttempts();
    const needs = sceneNeeds(scene, scene.currentProvider);
    return {
      attemptNumber,
      roundProvider,
      providerNamed: this.direction.providerNamed,
      usedThisRound: attempts.map((a) => a.provider),
      roundSpentUsd: roundUsd(attempts.reduce((sum, a) => sum + (a.costUsd ?? 0), 0)),
      currentScore: this.current.score,
      contentType: scene.contentType,
      needs,
      policy: this.policy,
      ...this.repairOf(needs.kind),
    };
  }

  /** Whether the next attempt repairs the current asset (src/rules/repair.ts), and with whom. */
  repairChoice(kind: SceneKind): RepairChoice {
    const { current, direction } = this;
    return chooseRepair({
      kind,
      score: current.score,
      issues: current.analysis.issues,
      hasAsset: current.assetRef !== undefined || current.assetUrl !== undefined,
      personDirected: direction.personPrompt !== undefined || direction.providerNamed,
      repairFailedOnAsset: repairFailedOn(this.roundAttempts(), current.attemptNumber),
      policy: this.policy,
    });
  }

  private repairOf(kind: SceneKind): Pick<AttemptContext, 'repair'> {
    const choice = this.repairChoice(kind);
    return choice.repair ? { repair: { editors: choice.editors } } : {};
  }

  /** The prompt the current asset was made from: its attempt's (a repair's source's), or the scene's visual direction. */
  currentPrompt(): string {
    const made = this.current.attemptNumber === undefined ? undefined : this.attempt(this.current.attemptNumber);
    return made?.repair?.sourcePrompt ?? made?.prompt ?? this.input.scene.visualDirection;
  }

  /** The round's story so far for the Web UI ("current details"); not a command, so replay-safe. */
  tell(doing?: string): void {
    setCurrentDetails(roundDetails(this.state, doing));
  }

  roundAttempts(): RegenerationAttempt[] {
    return this.state.attempts.filter((a) => a.round === this.state.round);
  }

  startAttempt(attemptNumber: number, doing: string): void {
    this.state.attempt = attemptNumber;
    this.tell(doing);
  }

  /** Keeps the attempt; one that passed or improved becomes what later prompts build on. */
  addAttempt(attempt: RegenerationAttempt): void {
    this.state.attempts.push(attempt);
    if (attempt.result !== 'failed') {
      this.current = assetOf(attempt);
      this.state.currentScore = this.current.score;
    }
    this.rankBest();
  }

  /** The round's best asset (SPEC.md "Judging and choosing"); undefined when nothing can be approved. */
  bestAsset(): RoundAsset | undefined {
    const pick = this.state.bestPick;
    if (pick === undefined) return undefined;
    return pick.attemptNumber === undefined ? this.roundStart : assetOf(this.attempt(pick.attemptNumber)!);
  }

  /**
   * The asset an approval names: the best, 0 for the round's start, an attempt (the candidate it
   * kept), or one of an attempt's candidates; undefined when it has none.
   */
  approvedAsset(attemptNumber: number | undefined, candidate?: number): RoundAsset | undefined {
    if (attemptNumber === undefined) return this.bestAsset();
    if (attemptNumber === 0) return this.roundStart.assetUrl === undefined ? undefined : this.roundStart;
    const attempt = this.attempt(attemptNumber);
    const made = candidate === undefined ? attempt : candidateAttempt(attempt, candidate);
    return made?.assetUrl === undefined || made.analysisResult === undefined ? undefined : assetOf(made);
  }

  /**
   * All attempts spent, or the next could not start: the best is settled (Claude compares the top
   * two when they are within the band, since a person will look), the scene goes into the review
   * queue, and the pipeline step that started the round is told. `last` is the round's last
   * attempt when it is not recorded yet: it is recorded with the escalation, carrying the
   * comparison's cost. Returns the queue entry.
   */
  async escalate(reason: EscalationReason, last?: RegenerationAttempt, message?: string): Promise<number> {
    const entered = last === undefined ? undefined : { ...last };
    if (entered !== undefined) {
      const comparedUsd = await this.compareBest(entered).catch((error: unknown) => {
        // Cancelled while comparing: the attempt is recorded with what it cost, as one in flight.
        throw isCancellation(error) ? new AttemptCancelled(entered, error) : error;
      });
      if (comparedUsd > 0) entered.costUsd = roundUsd((entered.costUsd ?? 0) + comparedUsd);
      this.keepLast(entered);
    }
    this.escalated = true;
    this.state.attempt = 0;
    const escalatedAt = new Date().toISOString();
    this.state.awaitingReviewSince = escalatedAt;
    this.setStatus('awaiting_review');
    const pick = this.state.bestPick;
    const { entryId } = await CancellationScope.nonCancellable(() =>
      escalateToReview.executeWithOptions({ summary: `round ${this.state.round} · escalate (${reason})` }, [
        {
          ref: this.ref(),
          ...(entered ? { attempt: entered } : {}),
          sceneIndex: this.input.scene.sceneIndex,
          reason,
          ...(message === undefined ? {} : { message }),
          bestScore: this.bestScore(),
          ...(pick ? { bestPick: pick, ...(pick.attemptNumber === undefined ? {} : { bestAttemptNumber: pick.attemptNumber }) } : {}),
          attempts: this.roundAttempts(),
          escalatedAt,
          reviewTimeout: this.policy.reviewTimeout,
        },
      ]),
    );
    this.state.reviewEntryId = entryId;
    await this.tellParentOnce();
    return entryId;
  }

  /**
   * The passing score the round's opening step read (SPEC.md "Judging and choosing"): every
   * judgment and outcome of the round uses it, and the state says which bar it is. Absent (a
   * history from before rounds read their bar): the configured score.
   */
  useBar(bar: PassingBar | undefined): void {
    if (bar === undefined) return;
    this.policy = { ...this.configured, minScoreToPass: bar.score };
    this.state.passingBar = bar;
  }

  /** A reviewer asked for another round: it starts from the round's best, as the new round's start. */
  startNextRound(decision: Extract<UserDecision, { action: 'regenerate' }>): void {
    this.state.decision = decision;
    // The next round's opening reads its own bar from the configured policy.
    this.policy = this.configured;
    this.state.passingBar = undefined;
    this.current = { ...(this.bestAsset() ?? this.current), attemptNumber: undefined };
    this.direction = { personPrompt: decision.customPrompt, provider: decision.provider ?? this.current.provider, providerNamed: decision.provider !== undefined };
    this.roundStart = this.current;
    this.comparedPairs.clear();
    this.state.round += 1;
    this.state.currentScore = this.current.score;
    this.state.awaitingReviewSince = undefined;
    this.state.reviewEntryId = undefined;
    this.rankBest();
    this.setStatus('regenerating');
  }

  /** What a run continued as new carries of this one (src/domain/inputs.ts CarriedRound). */
  carried(): Omit<CarriedRound, 'runsBefore' | 'decided'> {
    return {
      round: this.state.round,
      attempts: this.state.attempts,
      current: this.current,
      runStart: this.sceneAsset,
      personPrompt: this.direction.personPrompt,
      provider: this.direction.provider,
    };
  }

  // The endings (SPEC.md "How a round ends"). Each writes once, in a step the round's
  // cancellation cannot cut in half, and returns the round's result.

  /** A share `auditRate` of passed rounds also goes to people as an audit that blocks nothing (src/rules/audit.ts). */
  async pass(attempt: RegenerationAttempt): Promise<RegenerationResult> {
    const audit = auditSampled(this.ref(), this.policy.auditRate ?? 0) ? this.auditOf(attempt) : undefined;
    await this.end('passed', { attempt, scene: { outcome: 'passed', asset: kept(this.current) }, ...(audit ? { audit } : {}) }, this.current);
    return this.result('passed', this.current);
  }

  private auditOf(passed: RegenerationAttempt): AuditRequest {
    const pick = this.state.bestPick;
    return {
      sceneIndex: this.input.scene.sceneIndex,
      bestScore: passed.scoreAfter,
      bestAttemptNumber: passed.attemptNumber,
      ...(pick?.attemptNumber === passed.attemptNumber ? { bestPick: pick } : {}),
      attempts: this.roundAttempts(),
      requestedAt: new Date().toISOString(),
    };
  }

  async approve(review: Review, asset: RoundAsset, entryId: number): Promise<RegenerationResult> {
    this.state.decision = review.decision;
    this.current = asset;
    await this.end('approved', { entry: { entryId, ...review }, scene: { outcome: 'approved', asset: kept(asset) } }, asset);
    return { ...this.result('approved', asset), review };
  }

  async reject(review: Review, entryId: number): Promise<RegenerationResult> {
    this.state.decision = review.decision;
    await this.end('rejected', { entry: { entryId, ...review }, scene: { outcome: 'rejected' } }, this.sceneAsset);
    return { ...this.result('rejected', this.sceneAsset), review };
  }

  async timeOut(entryId: number): Promise<RegenerationResult> {
    const entry = { entryId, status: 'expired' as const, reason: `No decision within ${this.policy.reviewTimeout}`, endedAt: new Date().toISOString() };
    await this.end('review_timed_out', { entry, scene: { outcome: 'review_timed_out' } }, this.sceneAsset);
    return this.result('review_timed_out', this.sceneAsset);
  }

  /** The money already spent is recorded, the entry (if any) closed as cancelled, and the scene given back what it had. */
  async cancel(attemptInFlight?: RegenerationAttempt): Promise<RegenerationResult> {
    if (attemptInFlight) this.keepLast(attemptInFlight);
    const entryId = this.state.reviewEntryId;
    const entry = entryId === undefined ? undefined : { entryId, status: 'cancelled' as const, reason: 'The round was cancelled', endedAt: new Date().toISOString() };
    await this.end('cancelled', { ...(attemptInFlight ? { attempt: attemptInFlight } : {}), ...(entry ? { entry } : {}), scene: { outcome: 'cancelled' } }, this.sceneAsset);
    return this.result('cancelled', this.sceneAsset);
  }

  /** Keeps the attempt in the state once, whether the round had added it already or not. */
  private keepLast(attempt: RegenerationAttempt): void {
    const last = this.state.attempts.at(-1);
    const same = last !== undefined && last.round === attempt.round && last.attemptNumber === attempt.attemptNumber;
    if (same) this.state.attempts[this.state.attempts.length - 1] = attempt;
    else this.state.attempts.push(attempt);
  }

  /** `final`: what the round ends with, for the `round.ended` webhook's figures. */
  private async end(
    outcome: RegenerationOutcome,
    write: { attempt?: RegenerationAttempt; entry?: EntryEnding; scene: SceneEnding; audit?: AuditRequest },
    final: RoundAsset,
  ): Promise<void> {
    this.state.attempt = 0;
    const figures = { finalScore: final.score, costUsd: roundUsd(this.state.attempts.reduce((sum, a) => sum + (a.costUsd ?? 0), 0)) };
    await CancellationScope.nonCancellable(() =>
      endRound.executeWithOptions({ summary: `round ${this.state.round} · ${outcome}` }, [{ ref: this.ref(), ...write, figures }]),
    );
    this.state.reviewEntryId = undefined;
    this.setStatus(outcome);
  }

  private result(outcome: RegenerationOutcome, final: RoundAsset): RegenerationResult {
    const keeps = outcome === 'passed' || outcome === 'approved';
    this.state.currentScore = final.score;
    return {
      success: keeps,
      outcome,
      finalScore: final.score,
      attempts: this.state.attempts,
      escalatedToUser: this.escalated,
      ...(keeps ? { newAssetUrl: final.assetUrl, newAnalysis: final.analysis } : {}),
    };
  }

  private setStatus(status: RegenerationStatus): void {
    this.state.status = status;
    this.tell();
    upsertSearchAttributes([
      { key: RegenStatusKey, value: status },
      { key: BestScoreKey, value: this.bestScore() },
    ]);
  }

  private bestScore(): number {
    return this.state.bestPick?.score ?? 0;
  }

  private attempt(attemptNumber: number): RegenerationAttempt | undefined {
    return this.roundAttempts().find((a) => a.attemptNumber === attemptNumber);
  }

  /** The best by score among what can be approved (the start only when it has an asset that could pass). */
  private rankBest(answers?: readonly [PairwiseAnswer, PairwiseAnswer]): ReturnType<typeof rankByScore> {
    const start = this.roundStart;
    const usableStart = start.assetUrl !== undefined && start.analysis.recommendation !== 'critical_fail' ? start : undefined;
    const ranked = rankByScore(bestCandidates(usableStart?.score, this.roundAttempts()));
    const pick = ranked.length === 0 ? undefined : decideBest(ranked, judgingSettings(this.policy).uncertaintyBand, answers);
    this.state.bestPick = pick;
    this.state.bestAttemptNumber = pick?.attemptNumber;
    return ranked;
  }

  /** Asks Claude between the top two when their scores are within the band; returns what it cost. */
  private async compareBest(last: RegenerationAttempt): Promise<number> {
    const ranked = this.rankBest();
    const band = judgingSettings(this.policy).uncertaintyBand;
    if (!needsPairwise(ranked, band)) return 0;
    const key = pairKey(ranked[0], ranked[1]);
    const known = this.comparedPairs.get(key);
    if (known !== undefined) {
      this.rankBest(known);
      return 0;
    }
    const assetOfCandidate = (attemptNumber: number | undefined) => (attemptNumber === undefined ? this.roundStart.assetRef : this.attempt(attemptNumber)?.asset);
    const compared = await compareTopTwo(
      {
        scene: this.input.scene,
        brandProfile: this.input.project?.brandProfile,
        personPrompt: this.direction.personPrompt,
        label: `attempt ${last.attemptNumber} · ${last.provider}`,
      },
      assetOfCandidate(ranked[0].attemptNumber),
      assetOfCandidate(ranked[1].attemptNumber),
    );
    if (compared.answers === undefined) return compared.costUsd;
    this.comparedPairs.set(key, compared.answers);
    this.rankBest(compared.answers);
    return compared.costUsd;
  }

  /** The pipeline step that started this round stops waiting once the scene is in the queue. */
  private async tellParentOnce(): Promise<void> {
    const parent = workflowInfo().parent;
    if (!parent || this.state.round > 1) return;
    try {
      await getExternalWorkflowHandle(parent.workflowId, parent.runId).signal(regenerationEscalatedSignal, this.state);
    } catch (error) {
      // A parent that is gone (terminated by an operator) has nobody left to tell.
      log.warn('could not tell the pipeline step about the escalation', { error: String(error) });
    }
  }
}

/** An attempt that produced a judged asset, as an asset the round can stand on. */
function assetOf(attempt: RegenerationAttempt): RoundAsset {
  return {
    score: attempt.scoreAfter,
    analysis: attempt.analysisResult!,
    assetUrl: attempt.assetUrl,
    assetRef: attempt.asset,
    provider: attempt.provider,
    attemptNumber: attempt.attemptNumber,
  };
}

/** One candidate of an attempt as an attempt of its own, for what approving it keeps. */
function candidateAttempt(attempt: RegenerationAttempt | undefined, candidate: number): RegenerationAttempt | undefined {
  const made = attempt?.candidates?.find((c) => c.candidate === candidate);
  if (attempt === undefined || made === undefined) return undefined;
  return { ...attempt, provider: made.provider, prompt: made.prompt, scoreAfter: made.scoreAfter ?? 0, assetUrl: made.assetUrl, asset: made.asset, analysisResult: made.analysisResult };
}

/** The asset a scene row keeps: asset, analysis, score and provider together. */
function kept(asset: RoundAsset): KeptAsset {
  return {
    url: asset.assetUrl ?? '',
    ...(asset.assetRef ? { ref: asset.assetRef } : {}),
    provider: asset.provider,
    analysis: asset.analysis,
    score: asset.score,
  };
}
