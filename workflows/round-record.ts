import { setCurrentDetails, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { RegenerationPolicy } from '../src/domain/policy';
import type { RegenerationAttempt, RegenerationState, RegenerationStatus } from '../src/domain/regeneration';
import type { SceneForRegeneration } from '../src/domain/scene';
import type { CarriedRound } from '../src/domain/inputs';
import { currentFrom, type CurrentAsset } from './attempt';
import { roundDetails } from './rules/round-story';
import { BestScoreKey, getRegenerationStateQuery, ProjectIdKey, RegenStatusKey, SceneIdKey } from './messages';

/**
 * What a round knows about itself: the state the query answers, the asset the scene stands on,
 * and the search attributes that mirror them for `temporal workflow list`.
 */
export class RoundRecord {
  readonly state: RegenerationState;
  current: CurrentAsset;

  constructor(scene: SceneForRegeneration, policy: RegenerationPolicy, carried?: CarriedRound) {
    this.current = carried?.current ?? {
      score: scene.analysisResult.overallScore,
      analysis: scene.analysisResult,
      assetUrl: scene.currentAssetUrl,
      provider: scene.currentProvider,
    };
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
      { key: BestScoreKey, value: this.current.score },
    ]);
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
    this.state.bestAttemptNumber = attempt.attemptNumber;
    upsertSearchAttributes([{ key: BestScoreKey, value: this.current.score }]);
  }

  /** A reviewer asked for another round: it starts from the current best, as the new round's start. */
  startNextRound(): void {
    this.current = { ...this.current, attemptNumber: undefined };
    this.state.round += 1;
    this.state.awaitingReviewSince = undefined;
    this.state.bestAttemptNumber = undefined;
    this.setStatus('regenerating');
  }

  /** The asset an approval names: the current best, attempt 0 (the round's start) or an attempt. */
  approvedAsset(attemptNumber: number | undefined, roundStart: CurrentAsset): CurrentAsset {
    if (attemptNumber === undefined) return this.current;
    if (attemptNumber === 0) return roundStart;
    return currentFrom(this.roundAttempts().find((a) => a.attemptNumber === attemptNumber)!);
  }
}
