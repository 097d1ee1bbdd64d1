import type { BestPick } from '../api/types';
import { formatScore } from './format';

/** An asset of a round by name: the starting asset or "attempt 3". */
function assetName(attemptNumber: number | undefined): string {
  return attemptNumber === undefined || attemptNumber === 0 ? 'the starting asset' : `attempt ${attemptNumber}`;
}

/**
 * Why the judge's best is the best, in a line: "Best: highest score (69, next 61)". The rule
 * itself is SPEC's (src/rules/best-pick.ts); this only puts its answer in words.
 */
export function describeBestPick(pick: BestPick): string {
  return `Best: ${explainBestPick(pick)}`;
}

/** The reason alone, without the "Best: " in front: "highest score (69, next 61)". */
export function explainBestPick(pick: BestPick): string {
  const score = formatScore(pick.score);
  const other = pick.runnerUp;
  switch (pick.reason) {
    case 'only_candidate':
      return 'the only judged asset';
    case 'highest_score':
      return other ? `highest score (${score}, next ${formatScore(other.score)})` : `highest score (${score})`;
    case 'pairwise':
      return other
        ? `Claude preferred it to ${assetName(other.attemptNumber)} in both orders (${score} vs ${formatScore(other.score)})`
        : `Claude preferred it in both orders (${score})`;
    case 'pairwise_split':
      return other
        ? `scores ${pointsApart(pick.score, other.score)} (${score} vs ${formatScore(other.score)}) and the two orders disagreed; the higher score stands`
        : 'the two orders disagreed; the higher score stands';
  }
}

function pointsApart(a: number, b: number): string {
  const apart = Math.round(Math.abs(a - b));
  if (apart === 0) return 'equal';
  return `${apart} point${apart === 1 ? '' : 's'} apart`;
}
