import type { ProviderName } from '../domain/provider';

/**
 * Prices used to report what an attempt cost, each for the exact model and mode the adapter
 * sends (src/catalog/limits/), with its source. Video is priced per second, images per image.
 */
export const DEFAULT_GENERATION_PRICES: Readonly<Record<ProviderName, { perSecondUsd?: number; perItemUsd?: number }>> = {
  // Kling 2.6 standard, no audio: $0.20 per 5-second clip (https://piapi.ai/kling-2-6). The page
  // lists 5 s only; 10 s is assumed to cost twice as much.
  kling: { perSecondUsd: 0.04 },
  // gen4.5 video 12 credits/s; gen4_image at 720p 5 credits; a credit is $0.01
  // (https://docs.dev.runwayml.com/guides/pricing/).
  runway: { perSecondUsd: 0.12, perItemUsd: 0.05 },
  // Luma ray-v2 through PiAPI: no price found on PiAPI's pages (https://piapi.ai/dream-machine-api);
  // this figure is unconfirmed: check the PiAPI bill.
  luma: { perSecondUsd: 0.04 },
  // Hailuo v2.3: $0.23 to $0.45 per video (https://piapi.ai/hailuo); $0.23 is taken as the 768p
  // 6-second clip the adapter asks for, the range's low end. Unconfirmed per tier: check the bill.
  hailuo: { perItemUsd: 0.23 },
  // Qubico/flux1-schnell: $0.0015 per image (https://piapi.ai/flux-api).
  flux: { perItemUsd: 0.0015 },
  // fal-ai/flux/schnell: $0.003 per megapixel (https://fal.ai/models/fal-ai/flux/schnell); the
  // adapter asks for named sizes of about one megapixel (square_hd 1024×1024 at most).
  falai: { perItemUsd: 0.003 },
};

/** Runway bills in credits of $0.01 each (https://docs.dev.runwayml.com/guides/pricing/). */
export const RUNWAY_CREDIT_USD = 0.01;

/**
 * Claude's price per million tokens (input, output); cache writes cost 1.25x input, reads 0.1x
 * (https://platform.claude.com/docs/en/about-claude/pricing). Only models the judge may use: each
 * also has a row in src/catalog/limits/anthropic.ts. claude-sonnet-4-5 reached end of life on
 * 2026-11-30 (the installed SDK's deprecation list) and is left out.
 */
export const DEFAULT_MODEL_PRICES: Readonly<Record<string, { inputPerMTok: number; outputPerMTok: number }>> = {
  // https://platform.claude.com/docs/en/models/sonnet-5-5/overview
  'claude-sonnet-5-5': { inputPerMTok: 2, outputPerMTok: 10 },
  'claude-sonnet-4-6': { inputPerMTok: 3, outputPerMTok: 15 },
  'claude-sonnet-5': { inputPerMTok: 2, outputPerMTok: 10 },
  'claude-opus-4-7': { inputPerMTok: 5, outputPerMTok: 25 },
  'claude-haiku-4-5': { inputPerMTok: 1, outputPerMTok: 5 },
};
