import { clamp } from '../media/prompt-look';
import { gaussian, seededRng, type Rng } from '../seeded-random';
import type { JudgeSettings } from './judge-settings';

/**
 * How the simulated judge's score strays from the true quality: `persistent + per call`.
 *
 * The persistent error belongs to (asset, view): the same question about the same asset gets it
 * again, so asking twice averages away only the per-call part. A different view (other frames,
 * another rubric wording, another model) draws a new persistent error that shares a share ρ of
 * its variance with every other view of the asset:
 *
 *   persistent = σp · (√ρ · z_asset + √(1 − ρ) · z_view),   z ~ N(0, 1) seeded by (seed, asset[, view])
 *
 * so two views' errors correlate at ρ and each has standard deviation σp. Pure: the HTTP judge
 * and an in-process benchmark get the same numbers from the same keys.
 */
export function persistentError(seed: number | string, assetKey: string, viewKey: string, settings: Pick<JudgeSettings, 'persistentSigma' | 'viewCorrelation'>): number {
  const { persistentSigma, viewCorrelation } = settings;
  if (persistentSigma <= 0) return 0;
  const shared = gaussian(seededRng(`${seed}:asset:${assetKey}`));
  const own = gaussian(seededRng(`${seed}:view:${assetKey}:${viewKey}`));
  return persistentSigma * (Math.sqrt(viewCorrelation) * shared + Math.sqrt(1 - viewCorrelation) * own);
}

/**
 * The score a judge reports: clamp(round(true quality + persistent + N(0, callSigma)), 0, 100).
 * callSigma = 0 draws nothing from `rng`, so a judge without noise is exactly the true quality.
 */
export function judgedScore(trueQuality: number, persistent: number, callSigma: number, rng: Rng): number {
  const call = callSigma > 0 ? callSigma * gaussian(rng) : 0;
  return Math.round(clamp(trueQuality + persistent + call, 0, 100));
}

/** A score with fresh noise only (σ per call, nothing persistent): judgedScore without a view. */
export function noisyScore(trueQuality: number, sigma: number, rng: Rng): number {
  return judgedScore(trueQuality, 0, sigma, rng);
}
