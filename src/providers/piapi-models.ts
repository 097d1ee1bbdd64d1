import type { SceneKind } from '../domain/activity-types';
import { closestAspect, dimensionsForAspect } from './aspect-ratio';
import {
  readFluxImageUrl,
  readHailuoProgress,
  readHailuoVideoUrl,
  readKlingVideoUrl,
  readLumaVideoUrl,
} from './piapi-output';
import { limitPrompt } from './prompt-limit';
import type { ProviderSubmitRequest } from './provider-client';

export type PiapiProvider = 'kling' | 'luma' | 'hailuo' | 'flux';

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

const KLING_VERSION = '2.1';

// Pay-as-you-go: the price table in config assumes it, and Hailuo only runs that way.
const PAY_AS_YOU_GO = { service_mode: 'public' };

/** Kling and Luma take 5 or 10 seconds: the shorter one that still covers the scene's narration. */
function fiveOrTen(durationSeconds: number): 5 | 10 {
  return durationSeconds > 5 ? 10 : 5;
}

export const PIAPI_MODELS: Readonly<Record<PiapiProvider, PiapiModelSpec>> = {
  kling: {
    makes: 'video',
    billedSeconds: (_kind, seconds) => fiveOrTen(seconds),
    createBody: (request) => ({
      model: 'kling',
      task_type: 'video_generation',
      input: {
        prompt: limitPrompt(request.prompt, 2500),
        duration: fiveOrTen(request.durationSeconds),
        aspect_ratio: closestAspect(request.aspectRatio, ['16:9', '9:16', '1:1'] as const),
        mode: 'std',
        version: KLING_VERSION,
      },
      config: PAY_AS_YOU_GO,
    }),
    readOutputUrl: readKlingVideoUrl,
  },
  luma: {
    makes: 'video',
    billedSeconds: (_kind, seconds) => fiveOrTen(seconds),
    createBody: (request) => ({
      model: 'luma',
      task_type: 'video_generation',
      input: {
        prompt: limitPrompt(request.prompt, 2500),
        model_name: 'ray-v2',
        duration: fiveOrTen(request.durationSeconds),
        aspect_ratio: closestAspect(request.aspectRatio, ['16:9', '9:16', '1:1', '4:3', '3:4', '21:9'] as const),
      },
      config: PAY_AS_YOU_GO,
    }),
    readOutputUrl: readLumaVideoUrl,
  },
  hailuo: {
    makes: 'video',
    // t2v-01 makes clips of a fixed length and is priced per clip.
    billedSeconds: () => 6,
    createBody: (request) => ({
      model: 'hailuo',
      task_type: 'video_generation',
      input: { prompt: limitPrompt(request.prompt, 2000), model: 't2v-01', expand_prompt: false },
      config: PAY_AS_YOU_GO,
    }),
    readOutputUrl: readHailuoVideoUrl,
    readProgress: readHailuoProgress,
  },
  flux: {
    makes: 'image',
    billedSeconds: () => 0,
    createBody: (request) => ({
      model: 'Qubico/flux1-schnell',
      task_type: 'txt2img',
      input: { prompt: limitPrompt(request.prompt, 2500), ...dimensionsForAspect(request.aspectRatio), batch_size: 1 },
      config: PAY_AS_YOU_GO,
    }),
    readOutputUrl: readFluxImageUrl,
  },
};
