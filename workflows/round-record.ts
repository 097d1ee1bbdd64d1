import { setCurrentDetails, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { RegenerationPolicy } from '../src/domain/policy';
import type { BestPick, PairwiseAnswer } from '../src/domain/best-pick';
import type { RegenerationAttempt, RegenerationState, RegenerationStatus } from '../src/domain/regeneration';
import type { SceneForRegeneration } from '../src/domain/scene';
import type { CarriedRound } from '../src/domain/inputs';
import { currentFrom, type CurrentAsset } from './attempt';
import { roundDetails } from '../src/rules/round-story';
import { BestScoreKey, getRegenerationStateQuery, ProjectIdKey, RegenStatusKey, SceneIdKey } from './messages';

/**
 * What a round knows about itself: the state the query answers, the asset the scene stands on,
 * and the search attributes that mirror them for `temporal workflow list`.
 */
export class RoundRecord {
  readonly state: RegenerationState;
  current: CurrentAsset;
  /** The asset this round started from: a candidate for best like its attempts. */
  roundStart: CurrentAsset;
  /**
   * Rounds with the pairwise best pick (best-pick.ts) name their best apart from the current
   * asset; older rounds called the current asset best.
   */
  private pairwiseBest = false;
  /** This round's pairwise answers by pair (rules/best-pick.ts pairKey): a pair is asked once. */
  comparedPairs = new Map<string, readonly [PairwiseAnswer, PairwiseAnswer]>();

  constructor(scene: SceneForRegeneration, policy: RegenerationPolicy, carried?: CarriedRound) {
    this.current = carried?.current ?? {
      score: scene.analysisResult.overallScore,
      analysis: scene.analysisResult,
      assetUrl: scene.currentAssetUrl,
      assetRef: scene.currentAsset,
      provider: scene.currentProvider,
    };
    this.roundStart = this.current;
    this.state = {
      sceneId: scene.id,
      status: 'regenerating',
      round: carried?.round ?? 1,
      attempt: 0,
      maxAttempts: policy.maxAttempts,
      currentScore: this.current.score,
      attempts: carried ? [...carried.attempts] : [],
    };
    setHandler(getRegenerationStateQuery, () => this.state);
    upsertSearchAttributes([
      { key: SceneIdKey, value: scene.id },
      { key: ProjectIdKey, value: scene.projectId },
    ]);
    this.setStatus('regenerating');
  }

  /** The round's story so far for the Web UI ("current details"); not a command, so replay-safe. */
  tell(doing?: string): void {
    setCurrentDetails(roundDetails(this.state, doing));
  }

  setStatus(status: RegenerationStatus): void {
    this.state.status = status;
    this.tell();
    upsertSearchAttributes([
      { key: RegenStatusKey, value: status },
      { key: BestScoreKey, value: this.bestScore() },
    ]);
  }

  /** From here on the round's best is named by setBest; until an attempt is judged it is the start. */
  usePairwiseBest(): void {
    this.pairwiseBest = true;
    this.state.bestPick = { score: this.roundStart.score, reason: 'only_candidate' };
  }

  setBest(pick: BestPick): void {
    this.state.bestPick = pick;
    this.state.bestAttemptNumber = pick.attemptNumber;
    upsertSearchAttributes([{ key: BestScoreKey, value: pick.score }]);
    this.tell();
  }

  /** The best's score: the current asset's in rounds recorded before the pairwise best pick. */
  bestScore(): number {
    return this.pairwiseBest && this.state.bestPick ? this.state.bestPick.score : this.current.score;
  }

  /** The round's best asset (the current asset in rounds recorded before the pairwise best pick). */
  bestAsset(): CurrentAsset {
    const pick = this.state.bestPick;
    if (!this.pairwiseBest || pick === undefined) return this.current;
    if (pick.attemptNumber === undefined) return this.roundStart;
    return currentFrom(this.roundAttempts().find((a) => a.attemptNumber === pick.attemptNumber)!);
  }


  roundAttempts(): RegenerationAttempt[] {
    return this.state.attempts.filter((a) => a.round === this.state.round);
  }

  /** Keeps the attempt; one that passed or improved becomes what the scene stands on. */
  addAttempt(attempt: RegenerationAttempt): void {
    this.state.attempts.push(attempt);
    if (attempt.result === 'failed') return;
    this.current = currentFrom(attempt);
    this.state.currentScore = this.current.score;
    if (this.pairwiseBest) return;
    this.state.bestAttemptNumber = attempt.attemptNumber;
    upsertSearchAttributes([{ key: BestScoreKey, value: this.current.score }]);
  }

  /** A reviewer asked for another round: it starts from the current best, as the new round's start. */
  startNextRound(): void {
    this.current = { ...this.current, attemptNumber: undefined };
    this.roundStart = this.current;
    this.comparedPairs.clear();
    this.state.round += 1;
    this.state.awaitingReviewSince = undefined;
    this.state.bestAttemptNumber = undefined;
    if (this.pairwiseBest) this.state.bestPick = { score: this.roundStart.score, reason: 'only_candidate' };
    this.setStatus('regenerating');
  }

  /** The asset an approval names: the round's best, attempt 0 (the round's start) or an attempt. */
  approvedAsset(attemptNumber: number | undefined, roundStart: CurrentAsset): CurrentAsset {
    if (attemptNumber === undefined) return this.bestAsset();
    if (attemptNumber === 0) return roundStart;
    return currentFrom(this.roundAttempts().find((a) => a.attemptNumber === attemptNumber)!);
  }
}
