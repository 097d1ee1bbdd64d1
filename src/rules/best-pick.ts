import type { BestPick, PairwiseAnswer } from '../domain/best-pick';
import type { RegenerationAttempt } from '../domain/regeneration';

export type { PairwiseAnswer } from '../domain/best-pick';

/**
 * SPEC.md: an attempt that passed or improved becomes current, so the round's current asset at
 * any moment is its last attempt that did not fail; none means the asset the round started from.
 * "Current" is what later prompts are built from; the round's best is `decideBest` below.
 */
export function bestOfRound<A extends Pick<RegenerationAttempt, 'result'>>(roundAttempts: readonly A[]): A | undefined {
  return roundAttempts.filter((a) => a.result !== 'failed').at(-1);
}

/** A judged asset of the round. */
export interface BestCandidate {
  /** undefined = the starting asset */
  attemptNumber?: number;
  score: number;
}

/**
 * SPEC.md "Judging and choosing": the judged assets a best is chosen from: the asset the round
 * started from when it exists and could pass (`startScore` undefined otherwise), and every
 * attempt that produced a stored, judged asset. A judged `critical_fail` (wrong subject, unsafe to
 * publish) never passes, so it is never called best.
 */
export function bestCandidates(
  startScore: number | undefined,
  roundAttempts: readonly Pick<RegenerationAttempt, 'attemptNumber' | 'scoreAfter' | 'assetUrl' | 'analysisResult'>[],
): BestCandidate[] {
  const judged = roundAttempts
    .filter((a) => a.assetUrl !== undefined && a.analysisResult !== undefined && a.analysisResult.recommendation !== 'critical_fail')
    .map((a) => ({ attemptNumber: a.attemptNumber, score: a.scoreAfter }));
  return startScore === undefined ? judged : [{ score: startScore }, ...judged];
}

/** Highest score first; equal scores: the later attempt first (the starting asset counts as earliest). */
export function rankByScore(candidates: readonly BestCandidate[]): BestCandidate[] {
  return [...candidates].sort((a, b) => b.score - a.score || (b.attemptNumber ?? 0) - (a.attemptNumber ?? 0));
}

/** Whether the top two are close enough (|a-b| <= band) that a pairwise judgment decides. */
export function needsPairwise(ranked: readonly BestCandidate[], band: number): boolean {
  return ranked.length >= 2 && Math.abs(ranked[0].score - ranked[1].score) <= band;
}

/**
 * The best: `pairwise` is undefined when not asked; else [answer with ranked[0] shown first,
 * answer with ranked[1] shown first]. Top two within the band but no pairwise judgment to be had
 * (rounds recorded before it, or a comparison that failed): the higher score stands, as
 * `highest_score`, the runner-up named so the closeness shows.
 */
export function decideBest(
  ranked: readonly BestCandidate[],
  band: number,
  pairwise?: readonly [PairwiseAnswer, PairwiseAnswer],
): BestPick {
  if (ranked.length === 0) throw new Error('decideBest needs at least one candidate');
  const [top, next] = ranked;
  if (next === undefined) return pick(top, 'only_candidate');
  if (!needsPairwise(ranked, band) || pairwise === undefined) return pick(top, 'highest_score', next);
  // Each answer names a position; which candidate stood there depends on the order shown.
  const topFirst = preferred(pairwise[0], top, next);
  const nextFirst = preferred(pairwise[1], next, top);
  if (topFirst !== undefined && topFirst === nextFirst) {
    return pick(topFirst, 'pairwise', topFirst === top ? next : top);
  }
  return pick(top, 'pairwise_split', next);
}

function preferred(answer: PairwiseAnswer, shownFirst: BestCandidate, shownSecond: BestCandidate): BestCandidate | undefined {
  if (answer === 'first') return shownFirst;
  if (answer === 'second') return shownSecond;
  return undefined;
}

function pick(best: BestCandidate, reason: BestPick['reason'], runnerUp?: BestCandidate): BestPick {
  return {
    ...(best.attemptNumber === undefined ? {} : { attemptNumber: best.attemptNumber }),
    score: best.score,
    reason,
    ...(runnerUp === undefined
      ? {}
      : { runnerUp: { ...(runnerUp.attemptNumber === undefined ? {} : { attemptNumber: runnerUp.attemptNumber }), score: runnerUp.score } }),
  };
}

/** Names a pair of candidates whichever order they come in, so a pair is compared once. */
export function pairKey(a: BestCandidate, b: BestCandidate): string {
  return [a.attemptNumber ?? 0, b.attemptNumber ?? 0].sort((x, y) => x - y).join('-');
}
