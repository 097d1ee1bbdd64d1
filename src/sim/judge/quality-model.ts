import type { ProviderName } from '../../domain/provider';
import { clamp, promptLook } from '../media/prompt-look';
import { renderStillPng } from '../media/render-image';
import { measureImage } from './image-metrics';
import { judge } from './judge-model';

/**
 * The simulator's ground truth: how good an asset really is, what a careful reviewer would score.
 * The simulated judge serves it with its errors (judge-noise.ts: a persistent error per asset and
 * view, noise per call), answers pairwise requests from it (pairwise-model.ts), and the simulated
 * reviewer approves by it (reviewer.ts). Pure apart from the optional render path, so a benchmark
 * can use the same numbers in process, without HTTP.
 *
 * True quality = the judge model's noiseless overall score for (the asset's pixels, the prompt it
 * was made from, read with the simulator's own vocabulary) + the provider's quality profile offset
 * for the scene's content type.
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
 *   const judge = REALISTIC_JUDGE;                           // or EXACT_JUDGE, or parseJudgeSpec(…)
 *   const truth = trueQualityFor({ prompt, provider, contentType, visualDirection });
 *   const persistent = persistentError(seed, assetKey, viewKey, judge);   // same key, same error
 *   const score = judgedScore(truth, persistent, judge.callSigma, rng);   // what the judge reports
 *   const answer = judgedPreference(truthA, truthB, judge, rng);          // a pairwise request
 *   const review = simulatedReview(truth, contentType, { bars, sigma }, rng);  // a person's verdict
 *
 * The HTTP simulator computes the same numbers from rendered pixels (renderedTrueQualityFor), keys
 * the asset and view by what each request contains (request-identity.ts) and seeds its per-call
 * draws per request (judge-memory.ts) rather than from one sequence.
 */

/** One pairwise answer, in the order the two assets were shown: the product's own type. */
export type { PairwiseAnswer } from '../../domain/best-pick';
export { gaussian, seededRng, type Rng } from '../seeded-random';
export { judgedScore, noisyScore, persistentError } from './judge-noise';
export { judgedPreference, pairwisePreference } from './pairwise-model';
export { EXACT_JUDGE, REALISTIC_JUDGE, parseJudgeSpec, type JudgeSettings } from './judge-settings';
export { DEFAULT_REVIEWER_BARS, DEFAULT_REVIEWER_SIGMA, simulatedReview, type Review } from './reviewer';

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
  /** Its provider, whose profile applies; none when the judge cannot tell. */
  provider?: ProviderName;
  /** SPEC.md content type: person, lifestyle, product, nature, cinematic, food, object. */
  contentType?: string;
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
