import { z } from 'zod';
import { clamp } from '../media/prompt-look';
import { gaussian, type Rng } from '../seeded-random';

/**
 * A simulated person reviewing an asset, the ground truth the product is measured against: they
 * approve when the asset's true quality, as they perceive it that day, clears their bar for the
 * content type. The bars are hidden from the product; it can only learn them from verdicts.
 *
 * The default bars are invented for the simulator (no published per-type figures): people look
 * harder at products and faces than at landscapes, and none of them is the product's default
 * passing score of 70, so a product that calibrates its bar from verdicts has something to find.
 */
export const DEFAULT_REVIEWER_BARS: Readonly<Record<string, number>> = {
  product: 76,
  person: 74,
  lifestyle: 72,
  cinematic: 71,
  food: 68,
  object: 66,
  nature: 64,
};

/** The bar for a content type not in the table. */
export const OTHER_CONTENT_BAR: number = 72;

/**
 * σ (points) of one review around the true quality. An assumption: the true quality is what a
 * careful reviewer scores, and one reviewer on one day lands a few points either side of it.
 */
export const DEFAULT_REVIEWER_SIGMA = 3;

export const ReviewerBarsSchema = z.record(
  z.string().trim().min(1, 'a content type must be a non-empty name').transform((name) => name.toLowerCase()),
  z
    .number({ error: 'a reviewer bar must be a number of points from 0 to 100' })
    .min(0, 'a reviewer bar must be a number of points from 0 to 100')
    .max(100, 'a reviewer bar must be a number of points from 0 to 100'),
);

export interface ReviewerSettings {
  /** Bar per content type (lower-case), over DEFAULT_REVIEWER_BARS. */
  bars: Readonly<Record<string, number>>;
  sigma: number;
}

export function reviewerBar(bars: Readonly<Record<string, number>>, contentType: string | undefined): number {
  if (contentType === undefined) return OTHER_CONTENT_BAR;
  return bars[contentType.trim().toLowerCase()] ?? OTHER_CONTENT_BAR;
}

export interface Review {
  approve: boolean;
  /** The bar that applied. */
  bar: number;
  /** The quality this reviewer perceived: the true quality plus their noise. */
  perceived: number;
}

/** One review of an asset of this true quality; σ = 0 draws nothing and compares the true quality itself. */
export function simulatedReview(trueQuality: number, contentType: string | undefined, reviewer: ReviewerSettings, rng: Rng): Review {
  const bar = reviewerBar(reviewer.bars, contentType);
  const perceived = clamp(trueQuality + (reviewer.sigma > 0 ? reviewer.sigma * gaussian(rng) : 0), 0, 100);
  return { approve: perceived >= bar, bar, perceived };
}
