import type { PairwiseAnswer } from '../../domain/best-pick';
import type { Rng } from '../seeded-random';
import { CLOSE_PAIR_POINTS, type JudgeSettings } from './judge-settings';

/**
 * How the simulated judge answers "which of these two serves the scene better". Its chance of
 * preferring the first-shown asset follows a logistic curve in the true-quality gap:
 *
 *   P(first) = 1 / (1 + exp(−(gap / s + logit(0.5 + firstPositionBias))))
 *
 * The scale s is what makes the answers right `pairwiseAccuracy` of the time on average over
 * close pairs (gaps spread evenly up to CLOSE_PAIR_POINTS); far pairs are almost always right.
 * The first-position preference shifts the curve, so it tips close pairs most and far pairs
 * hardly at all, as published comparers do (research/peers.md §7). An exact judge (accuracy 1,
 * no preference) answers by the true quality, and "tie" on equal quality.
 */
export function pairwisePreference(firstTrue: number, secondTrue: number): PairwiseAnswer {
  if (firstTrue > secondTrue) return 'first';
  if (secondTrue > firstTrue) return 'second';
  return 'tie';
}

type PairwiseSettings = Pick<JudgeSettings, 'pairwiseAccuracy' | 'firstPositionBias'>;

export function firstPreferredChance(firstTrue: number, secondTrue: number, settings: PairwiseSettings): number {
  const gap = firstTrue - secondTrue;
  const bias = settings.firstPositionBias;
  if (settings.pairwiseAccuracy >= 1) return gap > 0 ? 1 : gap < 0 ? 0 : 0.5 + bias;
  const shift = Math.log((0.5 + bias) / (0.5 - bias));
  return 1 / (1 + Math.exp(-(gap / logisticScale(settings.pairwiseAccuracy) + shift)));
}

/** One answer: exact when the judge is, else a draw from `rng` (exactly one uniform). */
export function judgedPreference(firstTrue: number, secondTrue: number, settings: PairwiseSettings, rng: Rng): PairwiseAnswer {
  if (settings.pairwiseAccuracy >= 1 && settings.firstPositionBias <= 0) return pairwisePreference(firstTrue, secondTrue);
  return rng() < firstPreferredChance(firstTrue, secondTrue, settings) ? 'first' : 'second';
}

/**
 * The share of right answers over gaps spread evenly in (0, CLOSE_PAIR_POINTS] with scale s:
 * the mean of the logistic, (s / D) · (softplus(D / s) − ln 2).
 */
export function closePairAccuracy(scale: number): number {
  const ratio = CLOSE_PAIR_POINTS / scale;
  const softplus = ratio + Math.log1p(Math.exp(-ratio));
  return (softplus - Math.LN2) / ratio;
}

const scales = new Map<number, number>();

/** The scale s whose close-pair accuracy is `accuracy` (0.5 < accuracy < 1), by bisection. */
export function logisticScale(accuracy: number): number {
  const known = scales.get(accuracy);
  if (known !== undefined) return known;
  // Accuracy falls as the scale grows: 1e-6 gives almost 1, 1e6 almost 0.5.
  let low = 1e-6;
  let high = 1e6;
  for (let step = 0; step < 200; step++) {
    const middle = Math.sqrt(low * high);
    if (closePairAccuracy(middle) > accuracy) low = middle;
    else high = middle;
  }
  const scale = Math.sqrt(low * high);
  scales.set(accuracy, scale);
  return scale;
}
