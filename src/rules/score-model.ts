import type { AttemptEvidence } from '../domain/provider-evidence';
import type { ProviderName } from '../domain/provider';
import type { SceneKind } from '../domain/scene';
import { normalCdf } from './seeded-draw';

/*
 * SPEC.md "Cost and provider health", learned choice: the judged score an attempt gets, learned
 * from the recorded attempts of one kind (video or image), as
 *
 *   score = level(provider, content type) + attempt(attempt number) + slope · round's current score + noise
 *
 * - The slope is fitted within each (provider, content type, attempt number) group, so a
 *   provider is not credited for the scenes it happened to get.
 * - The attempt effect is shared by every provider (attempts 2 and 3 carry fix phrases): fitted
 *   jointly with the levels, so a provider used mostly on attempt 3 is not credited for them.
 * - The level pools across content types (empirical-Bayes shrinkage): a provider × content type
 *   with little evidence leans on the provider's level over every content type, and a provider
 *   with little evidence on the kind's; each level carries its uncertainty, which the choice's
 *   exploration draws from.
 * Prices are not learned: they come from the price table (src/rules/budget.ts).
 */

/**
 * Pseudo-attempts of the level above that a level's own mean is weighed against: with 10 judged
 * attempts a content type's own mean counts half. An assumption, not a measured figure: it keeps
 * a handful of lucky attempts from deciding, and lets 20 (the default minEvidence) mostly decide.
 */
export const POOLING_ATTEMPTS = 10;
/** Pseudo-attempts behind "attempt number changes nothing", so an effect needs a few attempts to show. */
const ATTEMPT_EFFECT_PRIOR = 5;
/**
 * The slope's prior toward 0 (the score owes nothing to the one before), as a sum of squares:
 * 20 attempts whose scores before spread by 10 points.
 */
const SLOPE_PRIOR_SUM_OF_SQUARES = 2_000;
/** σ of one judged score around its prediction before any spread is measured, and its weight in attempts. */
const PRIOR_NOISE = { sd: 10, attempts: 10 } as const;
/** A provider's share of attempts that get judged (not failed before the judge): 0.95 over 10 attempts. */
const JUDGED_SHARE_PRIOR = { share: 0.95, attempts: 10 } as const;
const BACKFIT_ROUNDS = 8;

interface Level {
  mean: number;
  /** Variance of the mean (its uncertainty), not of one score. */
  variance: number;
  judged: number;
}

export interface ScoreModel {
  kind: SceneKind;
  /** Judged attempts behind the model. */
  judged: number;
  slope: number;
  /** σ of one judged score around the model's mean for it. */
  noiseSd: number;
  attemptEffects: ReadonlyMap<number, number>;
  kindLevel: number;
  providerLevels: ReadonlyMap<ProviderName, Level>;
  cellLevels: ReadonlyMap<string, Level>;
  judgedShares: ReadonlyMap<ProviderName, number>;
}

const cellKey = (provider: ProviderName, contentType: string) => `${provider}|${contentType.toLowerCase()}`;

/** Fits the model to the recorded attempts of `kind`; rows of the other kind are left out. */
export function fitScoreModel(evidence: readonly AttemptEvidence[], kind: SceneKind): ScoreModel {
  const rows = evidence.filter((e) => e.kind === kind);
  const judgedRows = rows.filter((e) => e.judged > 0);
  const judged = judgedRows.reduce((sum, e) => sum + e.judged, 0);

  // The slope, within groups: Σ co-deviations over Σ squared deviations, shrunk toward 0.
  let sxx = 0;
  let sxy = 0;
  for (const e of judgedRows) {
    sxx += e.sumBeforeSquared - (e.sumBefore * e.sumBefore) / e.judged;
    sxy += e.sumBeforeAfter - (e.sumBefore * e.sumAfter) / e.judged;
  }
  const slope = Math.min(1, Math.max(0, sxy / (Math.max(0, sxx) + SLOPE_PRIOR_SUM_OF_SQUARES)));

  // Each group's mean of (after − slope · before), and the spread of scores within groups.
  let withinSs = 0;
  let withinDf = 0;
  const groups = judgedRows.map((e) => {
    const mean = (e.sumAfter - slope * e.sumBefore) / e.judged;
    const ss = e.sumAfterSquared - 2 * slope * e.sumBeforeAfter + slope * slope * e.sumBeforeSquared - e.judged * mean * mean;
    withinSs += Math.max(0, ss);
    withinDf += e.judged - 1;
    return { cell: cellKey(e.provider, e.contentType), provider: e.provider, attemptNumber: e.attemptNumber, n: e.judged, mean };
  });
  const noiseVariance = (withinSs + PRIOR_NOISE.sd ** 2 * PRIOR_NOISE.attempts) / (withinDf + PRIOR_NOISE.attempts);

  // Cell levels and attempt effects together (backfitting); attempt 1 is the reference.
  const effects = new Map<number, number>();
  let cellMeans = new Map<string, number>();
  for (let round = 0; round < BACKFIT_ROUNDS; round++) {
    cellMeans = weightedMeans(groups.map((g) => ({ key: g.cell, n: g.n, value: g.mean - (effects.get(g.attemptNumber) ?? 0) })));
    const byAttempt = new Map<number, { sum: number; n: number }>();
    for (const g of groups) {
      if (g.attemptNumber === 1) continue;
      const acc = byAttempt.get(g.attemptNumber) ?? { sum: 0, n: 0 };
      acc.sum += g.n * (g.mean - cellMeans.get(g.cell)!);
      acc.n += g.n;
      byAttempt.set(g.attemptNumber, acc);
    }
    for (const [attemptNumber, acc] of byAttempt) effects.set(attemptNumber, acc.sum / (acc.n + ATTEMPT_EFFECT_PRIOR));
  }

  // The levels, each shrunk toward the one above: kind, provider, provider × content type.
  const adjusted = groups.map((g) => ({ ...g, value: g.mean - (effects.get(g.attemptNumber) ?? 0) }));
  const kindLevel = judged > 0 ? adjusted.reduce((sum, g) => sum + g.n * g.value, 0) / judged : 0;
  const providerLevels = new Map<ProviderName, Level>();
  for (const provider of new Set(adjusted.map((g) => g.provider))) {
    providerLevels.set(provider, shrunk(adjusted.filter((g) => g.provider === provider), { mean: kindLevel, variance: 0, judged }, noiseVariance));
  }
  const cellLevels = new Map<string, Level>();
  for (const cell of new Set(adjusted.map((g) => g.cell))) {
    const own = adjusted.filter((g) => g.cell === cell);
    cellLevels.set(cell, shrunk(own, providerLevels.get(own[0].provider)!, noiseVariance));
  }

  const judgedShares = new Map<ProviderName, number>();
  for (const provider of new Set(rows.map((e) => e.provider))) {
    const own = rows.filter((e) => e.provider === provider);
    const attempts = own.reduce((sum, e) => sum + e.attempts, 0);
    const got = own.reduce((sum, e) => sum + e.judged, 0);
    judgedShares.set(provider, (got + JUDGED_SHARE_PRIOR.share * JUDGED_SHARE_PRIOR.attempts) / (attempts + JUDGED_SHARE_PRIOR.attempts));
  }

  return { kind, judged, slope, noiseSd: Math.sqrt(noiseVariance), attemptEffects: effects, kindLevel, providerLevels, cellLevels, judgedShares };
}

function weightedMeans(values: readonly { key: string; n: number; value: number }[]): Map<string, number> {
  const sums = new Map<string, { sum: number; n: number }>();
  for (const v of values) {
    const acc = sums.get(v.key) ?? { sum: 0, n: 0 };
    acc.sum += v.n * v.value;
    acc.n += v.n;
    sums.set(v.key, acc);
  }
  return new Map([...sums].map(([key, acc]) => [key, acc.sum / acc.n]));
}

/** A level's own evidence weighed against POOLING_ATTEMPTS of the level above, with the uncertainty of both. */
function shrunk(own: readonly { n: number; value: number }[], above: Level, noiseVariance: number): Level {
  const n = own.reduce((sum, g) => sum + g.n, 0);
  const sum = own.reduce((acc, g) => acc + g.n * g.value, 0);
  const k = POOLING_ATTEMPTS;
  const weightAbove = k / (n + k);
  return {
    mean: (sum + k * above.mean) / (n + k),
    variance: noiseVariance / (n + k) + weightAbove * weightAbove * above.variance,
    judged: n,
  };
}

export interface AttemptQuestion {
  provider: ProviderName;
  contentType: string;
  attemptNumber: number;
  /** The round's current score, what the attempt is judged against. */
  currentScore: number;
}

export interface ScorePrediction {
  /** The expected judged score. */
  mean: number;
  /** Uncertainty of that expectation (what exploration draws from). */
  meanSd: number;
  /** Spread of one judged score around the expectation. */
  noiseSd: number;
  /** Chance that the attempt gets judged at all (its generation does not fail). */
  judgedShare: number;
}

/** The expected judged score of the attempt, with how sure the model is of it. */
export function predictScore(model: ScoreModel, question: AttemptQuestion): ScorePrediction {
  const provider = model.providerLevels.get(question.provider) ?? {
    mean: model.kindLevel,
    variance: model.noiseSd ** 2 / POOLING_ATTEMPTS,
    judged: 0,
  };
  const level = model.cellLevels.get(cellKey(question.provider, question.contentType)) ?? {
    mean: provider.mean,
    variance: model.noiseSd ** 2 / POOLING_ATTEMPTS + provider.variance,
    judged: 0,
  };
  const mean = level.mean + attemptEffect(model, question.attemptNumber) + model.slope * question.currentScore;
  return {
    mean: Math.min(100, Math.max(0, mean)),
    meanSd: Math.sqrt(level.variance),
    noiseSd: model.noiseSd,
    judgedShare: model.judgedShares.get(question.provider) ?? JUDGED_SHARE_PRIOR.share,
  };
}

/** The effect of the attempt number, or of the nearest lower one with evidence; attempt 1 is 0. */
function attemptEffect(model: ScoreModel, attemptNumber: number): number {
  for (let n = attemptNumber; n > 1; n--) {
    const effect = model.attemptEffects.get(n);
    if (effect !== undefined) return effect;
  }
  return 0;
}

/**
 * The chance that an attempt passes: it gets judged, and its score reaches the bar (scores are
 * whole points, hence the half point). `mean` is the prediction's, or a drawn one.
 */
export function passChance(prediction: ScorePrediction, bar: number, mean = prediction.mean, sd = Math.hypot(prediction.noiseSd, prediction.meanSd)): number {
  return prediction.judgedShare * normalCdf((mean - bar + 0.5) / sd);
}
