import type { PairwiseAnswer } from '../../domain/best-pick';
import type { ProviderName } from '../../domain/provider';
import { clamp, promptLook, seedOf } from '../media/prompt-look';
import { renderStillPng } from '../media/render-image';
import { measureImage } from './image-metrics';
import { judge } from './judge-model';
import { mulberry32 } from '../seeded-random';

/**
 * The simulator's ground truth: how good an asset really is, before any judge noise. The
 * simulated judge serves it (plus noise when asked for) as the overall score, and answers
 * pairwise requests by it. Pure apart from the optional render path, so a benchmark can use the
 * same numbers in process, without HTTP.
 *
 * True quality = the judge model's own noiseless overall score for (the asset's pixels, the
 * scene text) + the provider's quality profile offset for the scene's content type.
 *
 * Why the provider travels in the pixels (src/sim/media/provider-mark.ts) and not in the
 * judge's prompt: the product's analysis request does not name the provider that made the asset,
 * and naming it would mean carrying the provider through the workflow's analysis activity input,
 * and would invite a real judge to score by reputation instead of by what it sees. The simulator
 * renders every generated file itself, so when asked to (`providerProfile`) it marks each render
 * with its provider, and the judge reads the mark back from the frames it is sent, as a real
 * judge would see a provider's own look.
 *
 * In process (a benchmark), one judged attempt of a scene looks like:
 *
 *   const rng = seededRng(seed);
 *   const truth = trueQualityFor({ prompt, provider, contentType, visualDirection });
 *   const score = noisyScore(truth, sigma, rng);            // what the judge would report
 *   const answer = pairwisePreference(truthA, truthB);       // what a pairwise request answers
 *
 * The HTTP simulator computes the same numbers from rendered pixels (renderedTrueQualityFor), and
 * seeds its noise per request (src/sim/judge/judge-memory.ts) rather than from one sequence.
 */

/** One pairwise answer, in the order the two assets were shown: the product's own type. */
export type { PairwiseAnswer } from '../../domain/best-pick';

/** A source of uniform numbers in [0, 1). */
export type Rng = () => number;

/**
 * Points each provider adds to (or takes from) the true quality of a scene of each content type
 * (SPEC.md's content types). Invented for the simulator, kept within ±10 so the scene's own text
 * and fix phrases still matter most. It deliberately disagrees with SPEC.md's static map
 * ("Best provider for a content type", src/rules/provider-choice.ts) where value per dollar
 * is concerned, so a learned choice has something to find:
 * - product: luma is the static pick, but kling is better at the same per-second price;
 * - nature: hailuo is the static pick, but luma is better for the same price of a 5 s clip;
 * - cinematic: runway is the best, by 2 points, at three times kling's price per second.
 * Content types not listed get 0.
 */
export const PROVIDER_QUALITY_PROFILE: Readonly<Record<ProviderName, Readonly<Record<string, number>>>> = {
  kling: { person: 6, lifestyle: 5, product: 5, nature: 0, cinematic: 4, food: -2, object: -1 },
  runway: { person: 2, lifestyle: 1, product: 2, nature: 2, cinematic: 6, food: 0, object: 0 },
  luma: { person: -3, lifestyle: -1, product: 1, nature: 5, cinematic: 1, food: -2, object: 1 },
  hailuo: { person: -2, lifestyle: 0, product: -3, nature: 2, cinematic: 2, food: -4, object: -3 },
  flux: { person: -2, lifestyle: 0, product: 3, nature: 0, cinematic: -2, food: 6, object: 5 },
  falai: { person: 0, lifestyle: 1, product: 4, nature: 1, cinematic: 0, food: 3, object: 4 },
};

/** The profile's offset; 0 when the provider is unknown or the content type is not in the table. */
export function profileOffset(provider: ProviderName | undefined, contentType: string | undefined): number {
  if (provider === undefined || contentType === undefined) return 0;
  return PROVIDER_QUALITY_PROFILE[provider]?.[contentType.trim().toLowerCase()] ?? 0;
}

/** The judge's noiseless score plus the profile offset, kept within 0..100. */
export function trueQuality(judgeScore: number, provider?: ProviderName, contentType?: string): number {
  return clamp(judgeScore + profileOffset(provider, contentType), 0, 100);
}

/** What a benchmark knows about one generated asset. */
export interface AssetDescription {
  /** The prompt the asset was generated from, fix phrases included. */
  prompt: string;
  provider: ProviderName;
  /** SPEC.md content type: person, lifestyle, product, nature, cinematic, food, object. */
  contentType: string;
  /** Seeds the scene's own difficulty (stable across the scene's attempts); default: the prompt. */
  visualDirection?: string;
  narration?: string;
}

/**
 * The text the simulated judge reads for an analysis of this asset, laid out like the product's
 * analysis request (src/analysis/judge-prompt.ts): the scene's data as JSON fields.
 */
export function analysisText(asset: AssetDescription): string {
  return JSON.stringify(
    {
      expectedContentType: asset.contentType,
      visualDirection: asset.visualDirection ?? asset.prompt,
      narration: asset.narration ?? '',
      generationPrompt: asset.prompt,
    },
    null,
    2,
  );
}

/**
 * True quality of an asset without rendering it: the judge reads the look the renderer would
 * paint from the prompt's words (its fallback when a request carries no image). Fast (no pixels),
 * so a benchmark can judge thousands of attempts; within about two points of the rendered path.
 */
export function trueQualityFor(asset: AssetDescription): number {
  const score = judge({ userText: analysisText(asset), images: [] }).overallScore;
  return trueQuality(score, asset.provider, asset.contentType);
}

/**
 * True quality of an asset as the HTTP simulator computes it for a still image: render the
 * prompt's picture (small, default 320×180), measure its pixels and judge them with the scene
 * text. Slower than trueQualityFor (tens of milliseconds each).
 */
export async function renderedTrueQualityFor(asset: AssetDescription, size = { width: 320, height: 180 }): Promise<number> {
  const png = await renderStillPng(promptLook(asset.prompt), size.width, size.height);
  const metrics = await measureImage(png);
  const score = judge({ userText: analysisText(asset), images: [metrics] }).overallScore;
  return trueQuality(score, asset.provider, asset.contentType);
}

/**
 * A reproducible uniform source (mulberry32). A string seed is hashed, so `seededRng('7:scene-3')`
 * is as good a seed as a number; the same seed always gives the same sequence.
 */
export function seededRng(seed: number | string): Rng {
  return mulberry32(typeof seed === 'number' ? seed : seedOf(seed));
}

/** One standard normal draw (Box–Muller), taking two uniforms from `rng`. */
export function gaussian(rng: Rng): number {
  const u = Math.max(rng(), Number.MIN_VALUE);
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/**
 * The score a judge with noise σ gives an asset of this true quality:
 * clamp(round(trueQuality + N(0, σ)), 0, 100). σ = 0 draws nothing and returns the rounded true
 * quality, so a run without noise is exactly the noiseless model.
 */
export function noisyScore(trueQualityValue: number, sigma: number, rng: Rng): number {
  const noise = sigma > 0 ? sigma * gaussian(rng) : 0;
  return Math.round(clamp(trueQualityValue + noise, 0, 100));
}

/** The pairwise answer for two assets shown in this order: the truly better one, or a tie. */
export function pairwisePreference(firstTrue: number, secondTrue: number): PairwiseAnswer {
  if (firstTrue > secondTrue) return 'first';
  if (secondTrue > firstTrue) return 'second';
  return 'tie';
}
