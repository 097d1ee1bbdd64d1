import type { SceneKind } from '../domain/scene';
import { closestAspect, sizeForAspect } from '../catalog/aspect-ratio';
import { piapiRule, type PiapiRule } from '../catalog/limits/piapi';
import { snapUp } from '../catalog/limits/rule';
import {
  readFluxImageUrl,
  readHailuoProgress,
  readHailuoVideoUrl,
  readKlingVideoUrl,
  readLumaVideoUrl,
} from './piapi-output';
import { limitPrompt } from '../catalog/prompt-limit';
import type { ProviderSubmitRequest } from './provider-client';

export type PiapiProvider = PiapiRule['provider'];

/** How one PiAPI-hosted model is asked and read. */
export interface PiapiModelSpec {
  /** What the model makes; other requests are refused before anything is paid. */
  makes: SceneKind;
  /** The seconds the request will ask for (and the provider bill), from the seconds wanted. */
  billedSeconds(kind: SceneKind, durationSeconds: number): number;
  createBody(request: ProviderSubmitRequest): Record<string, unknown>;
  readOutputUrl(output: unknown): string | undefined;
  readProgress?(output: unknown): number | undefined;
}

// Pay-as-you-go: the price table in config assumes it, and Hailuo only runs that way.
const PAY_AS_YOU_GO = { service_mode: 'public' };

const KLING = piapiRule('kling');
const LUMA = piapiRule('luma');
const HAILUO = piapiRule('hailuo');
const FLUX = piapiRule('flux');
const FLUX_SIZE = FLUX.size ?? { min: 256, max: 1024, maxPixels: 1_048_576, multipleOf: 16 };

/** The shortest duration the model takes that still covers the scene (its longest when none does). */
function secondsFor(rule: PiapiRule, durationSeconds: number): number {
  return snapUp(durationSeconds, rule.durations ?? [0]);
}

function aspectFor(rule: PiapiRule, aspectRatio: string): string {
  return closestAspect(aspectRatio, rule.aspectRatios ?? ['16:9']);
}

// Hailuo v2.3 at 768p, 6 seconds: priced per clip (src/catalog/prices.ts).
const HAILUO_CLIP_SECONDS = 6;
const HAILUO_RESOLUTION = 768;

export const PIAPI_MODELS: Readonly<Record<PiapiProvider, PiapiModelSpec>> = {
  kling: {
    makes: 'video',
    billedSeconds: (_kind, seconds) => secondsFor(KLING, seconds),
    createBody: (request) => ({
      model: KLING.model,
      task_type: KLING.taskType,
      input: {
        prompt: limitPrompt(request.prompt, KLING.promptMax),
        duration: secondsFor(KLING, request.durationSeconds),
        aspect_ratio: aspectFor(KLING, request.aspectRatio),
        ...KLING.variant,
        // Native audio costs more and the pipeline lays its own narration over the clip.
        enable_audio: false,
      },
      config: PAY_AS_YOU_GO,
    }),
    readOutputUrl: readKlingVideoUrl,
  },
  luma: {
    makes: 'video',
    billedSeconds: (_kind, seconds) => secondsFor(LUMA, seconds),
    createBody: (request) => ({
      model: LUMA.model,
      task_type: LUMA.taskType,
      input: {
        prompt: limitPrompt(request.prompt, LUMA.promptMax),
        ...LUMA.variant,
        duration: secondsFor(LUMA, request.durationSeconds),
        aspect_ratio: aspectFor(LUMA, request.aspectRatio),
      },
      config: PAY_AS_YOU_GO,
    }),
    readOutputUrl: readLumaVideoUrl,
  },
  hailuo: {
    makes: 'video',
    billedSeconds: () => HAILUO_CLIP_SECONDS,
    createBody: (request) => ({
      model: HAILUO.model,
      task_type: HAILUO.taskType,
      input: {
        prompt: limitPrompt(request.prompt, HAILUO.promptMax),
        ...HAILUO.variant,
        duration: HAILUO_CLIP_SECONDS,
        resolution: HAILUO_RESOLUTION,
        expand_prompt: false,
      },
      config: PAY_AS_YOU_GO,
    }),
    readOutputUrl: readHailuoVideoUrl,
    readProgress: readHailuoProgress,
  },
  flux: {
    makes: 'image',
    billedSeconds: () => 0,
    createBody: (request) => ({
      model: FLUX.model,
      task_type: FLUX.taskType,
      input: {
        prompt: limitPrompt(request.prompt, FLUX.promptMax),
        ...sizeForAspect(request.aspectRatio, FLUX_SIZE),
        batch_size: 1,
      },
      config: PAY_AS_YOU_GO,
    }),
    readOutputUrl: readFluxImageUrl,
  },
};
