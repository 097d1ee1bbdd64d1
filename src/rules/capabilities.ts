import type { SceneNeeds } from '../domain/scene';
import type { ProviderName } from '../domain/provider';
import { parseAspectRatio } from '../catalog/aspect-ratio';
import { FAL_SCHNELL } from '../catalog/limits/fal';
import { piapiRule } from '../catalog/limits/piapi';
import { runwayRule } from '../catalog/limits/runway';

/**
 * What each provider can make through the endpoint and model the product sends it (SPEC.md "Cost and provider health"): a
 * provider that cannot make a scene is never chosen for it, and a person who names one is told
 * why. Figures come from the rule rows in src/catalog/limits/, each with its source there, so a
 * limit has one home; the web server and the workflow both read this table (no zod, no I/O).
 */
export interface VideoAbility {
  /** Frame shapes the model makes; undefined: any shape. */
  ratios?: readonly string[];
  /** The longest clip one generation makes, in seconds. */
  maxSeconds: number;
}

export interface ImageAbility {
  /** Frame shapes the model makes; undefined: any shape (within `ratioRange`, when given). */
  ratios?: readonly string[];
  /** Narrowest and widest width/height the size bounds allow. */
  ratioRange?: { min: number; max: number };
}

export interface ProviderAbility {
  video?: VideoAbility;
  image?: ImageAbility;
}

const KLING = piapiRule('kling');
const LUMA = piapiRule('luma');
const FLUX = piapiRule('flux');
const RUNWAY_VIDEO = runwayRule('text_to_video', 'gen4.5');
const RUNWAY_IMAGE = runwayRule('text_to_image', 'gen4_image');

const longest = (durations: readonly number[] | undefined): number => Math.max(0, ...(durations ?? []));

const PROVIDER_ABILITIES: Readonly<Record<ProviderName, ProviderAbility>> = {
  // Kling 2.6 std through PiAPI: 5 or 10 s, 16:9, 9:16 or 1:1 (limits/piapi.ts).
  kling: { video: { ratios: KLING.aspectRatios, maxSeconds: longest(KLING.durations) } },
  // Luma ray-v2 through PiAPI: 5 or 10 s, six shapes from 9:16 to 21:9 (limits/piapi.ts).
  luma: { video: { ratios: LUMA.aspectRatios, maxSeconds: longest(LUMA.durations) } },
  // Hailuo t2v-01 takes neither a duration nor an aspect ratio (limits/piapi.ts,
  // https://piapi.ai/docs/hailuo-api/generate-video): its clips come in one fixed shape and
  // length, landscape 16:9 and 6 seconds (the clip piapi-models.ts bills).
  hailuo: { video: { ratios: ['16:9'], maxSeconds: 6 } },
  // Runway gen4.5 text-to-video: only 1280:720 and 720:1280, 2 to 10 s; gen4_image makes stills
  // in the ratios of its rule (limits/runway.ts, from @runwayml/sdk's request types).
  runway: {
    video: { ratios: RUNWAY_VIDEO.ratios, maxSeconds: longest(RUNWAY_VIDEO.durations) },
    image: { ratios: RUNWAY_IMAGE.ratios },
  },
  // FLUX schnell through PiAPI: images only, each side 256 to 1024 px (limits/piapi.ts), so no
  // shape wider than 4:1 or taller than 1:4.
  flux: {
    image: {
      ratioRange: {
        min: (FLUX.size?.min ?? 256) / (FLUX.size?.max ?? 1024),
        max: (FLUX.size?.max ?? 1024) / (FLUX.size?.min ?? 256),
      },
    },
  },
  // fal.ai flux/schnell: images only; its API takes custom sizes of 1 to 14,142 px a side
  // (limits/fal.ts), so any shape a scene would ask for.
  falai: {
    image: {
      ratioRange: {
        min: FAL_SCHNELL.customSide.min / FAL_SCHNELL.customSide.max,
        max: FAL_SCHNELL.customSide.max / FAL_SCHNELL.customSide.min,
      },
    },
  },
};

/** What a scene asks of a provider (provider-choice.ts `sceneNeeds`). */
// "16:9" and "1280:720" are one shape; 1 % apart is the same shape to the eye and to a crop.
const SAME_SHAPE = 0.01;

function sameShape(a: string, b: string): boolean {
  return Math.abs(Math.log(parseAspectRatio(a)) - Math.log(parseAspectRatio(b))) < SAME_SHAPE;
}

/** Why `provider` cannot make a scene with these needs, or undefined when it can. */
export function capabilityProblem(provider: ProviderName, needs: SceneNeeds): string | undefined {
  const ability = PROVIDER_ABILITIES[provider];
  if (needs.kind === 'video') {
    const video = ability.video;
    if (video === undefined) return `${provider} makes images only, and this scene is a video`;
    if (video.ratios !== undefined && !video.ratios.some((ratio) => sameShape(ratio, needs.aspectRatio))) {
      return `${provider} makes video in ${video.ratios.join(', ')} only, and this scene is ${needs.aspectRatio}`;
    }
    if (needs.durationSeconds > video.maxSeconds) {
      return `${provider} makes clips of at most ${video.maxSeconds} s, and this scene is ${needs.durationSeconds} s`;
    }
    return undefined;
  }
  const image = ability.image;
  if (image === undefined) return `${provider} makes video only, and this scene is a still image`;
  if (image.ratios !== undefined && !image.ratios.some((ratio) => sameShape(ratio, needs.aspectRatio))) {
    return `${provider} makes images in ${image.ratios.join(', ')} only, and this scene is ${needs.aspectRatio}`;
  }
  const shape = parseAspectRatio(needs.aspectRatio);
  if (image.ratioRange !== undefined && (shape < image.ratioRange.min * (1 - SAME_SHAPE) || shape > image.ratioRange.max * (1 + SAME_SHAPE))) {
    return `${provider} cannot make an image as wide or as tall as ${needs.aspectRatio}`;
  }
  return undefined;
}
