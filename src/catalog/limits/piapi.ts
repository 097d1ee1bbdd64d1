import type { RuleViolation } from './rule';
import { promptLength } from './rule';

/**
 * PiAPI's unified task API, one row per model variant the product sends. A create request is
 * accepted only when its model, task_type and variant fields (Kling's version and mode, Luma's
 * model_name, Hailuo's input.model) name a row; every other field is checked against that row.
 */
export interface PiapiRule {
  provider: 'kling' | 'luma' | 'hailuo' | 'flux';
  model: string;
  taskType: string;
  /** input fields naming the variant; a request that sets one must match the row's value. */
  variant: Readonly<Record<string, string>>;
  makes: 'video' | 'image';
  /** Longest prompt (and negative_prompt) in characters. */
  promptMax: number;
  /** input.duration values taken; undefined: the model has a fixed length and takes no duration. */
  durations?: readonly number[];
  /** input.aspect_ratio values taken; undefined: no aspect_ratio field. */
  aspectRatios?: readonly string[];
  /** input.resolution values taken (the short side in px); undefined: no resolution field. */
  resolutions?: readonly number[];
  /** input.width and input.height bounds for image models. */
  size?: { min: number; max: number; maxPixels: number; multipleOf: number };
  source: string;
}

export const PIAPI_RULES: readonly PiapiRule[] = [
  {
    // Kling 2.6 in standard mode is text-to-video as well as image-to-video: PiAPI's own example
    // sends exactly this (version 2.6, mode std, 5 s, 16:9, no image). Kling 2.1 std, asked for
    // before, is image-to-video only upstream. Durations, ratios and the 2,500-character prompt
    // are the Kling create-task reference's.
    provider: 'kling',
    model: 'kling',
    taskType: 'video_generation',
    variant: { version: '2.6', mode: 'std' },
    makes: 'video',
    promptMax: 2500,
    durations: [5, 10],
    aspectRatios: ['16:9', '9:16', '1:1'],
    source: 'https://piapi.ai/kling-2-6 ; https://piapi.ai/docs/kling-api/create-task',
  },
  {
    // Not sent by the product (priced per second, $0.10/s at 720p without audio); kept so the
    // simulator still answers Kling 3.0, whose output differs. 3 to 15 seconds.
    provider: 'kling',
    model: 'kling',
    taskType: 'video_generation',
    variant: { version: '3.0', mode: 'std' },
    makes: 'video',
    promptMax: 2500,
    durations: [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
    aspectRatios: ['16:9', '9:16', '1:1'],
    source: 'https://piapi.ai/kling-3-0 ; https://piapi.ai/docs/kling-api/kling-3-api',
  },
  {
    // No prompt limit is published for Luma through PiAPI; Kling's 2,500 is used as the cap.
    provider: 'luma',
    model: 'luma',
    taskType: 'video_generation',
    variant: { model_name: 'ray-v2' },
    makes: 'video',
    promptMax: 2500,
    durations: [5, 10],
    aspectRatios: ['9:16', '3:4', '1:1', '4:3', '16:9', '21:9'],
    source: 'https://piapi.ai/docs/dream-machine/video-creation',
  },
  {
    // Hailuo v2.3, PiAPI's current Hailuo (https://piapi.ai/hailuo lists v2.3 and v2.3-fast; the
    // fast one is image-to-video only upstream: https://wavespeed.ai/hailuo-2-3-api). 768p takes 6
    // or 10 s, 1080p 6 s; the product sends 768p, 6 s, the cheapest (src/catalog/prices.ts).
    // Request shape (input.model 'v2.3', duration, resolution 768) as PiAPI's Hailuo callers send it.
    provider: 'hailuo',
    model: 'hailuo',
    taskType: 'video_generation',
    variant: { model: 'v2.3' },
    makes: 'video',
    promptMax: 2000,
    durations: [6, 10],
    resolutions: [768, 1080],
    source: 'https://piapi.ai/hailuo ; https://piapi.ai/docs/hailuo-api/generate-video',
  },
  {
    // Not sent by the product; kept because nothing on PiAPI's pages says t2v-01 is refused now.
    // It makes clips of a fixed length: no duration or aspect ratio fields.
    provider: 'hailuo',
    model: 'hailuo',
    taskType: 'video_generation',
    variant: { model: 't2v-01' },
    makes: 'video',
    promptMax: 2000,
    source: 'https://piapi.ai/docs/hailuo-api/generate-video',
  },
  {
    // width × height ≤ 1,048,576 is on the page; each side 256–1024 and the 1,000-character
    // prompt are the figures an external check of the same reference reported.
    provider: 'flux',
    model: 'Qubico/flux1-schnell',
    taskType: 'txt2img',
    variant: {},
    makes: 'image',
    promptMax: 1000,
    size: { min: 256, max: 1024, maxPixels: 1_048_576, multipleOf: 16 },
    source: 'https://piapi.ai/docs/flux-api/text-to-image',
  },
];

/** The row the product sends for a provider: the first of its rows. */
export function piapiRule(provider: PiapiRule['provider']): PiapiRule {
  const rule = PIAPI_RULES.find((row) => row.provider === provider);
  if (rule === undefined) throw new Error(`no PiAPI rule for ${provider}`);
  return rule;
}

interface CreateBody {
  model?: unknown;
  task_type?: unknown;
  input?: Record<string, unknown>;
}

/** The first rule a create request breaks, or undefined when PiAPI would take it. */
export function checkPiapiCreate(body: CreateBody): RuleViolation | undefined {
  const input = body.input ?? {};
  const sameModel = PIAPI_RULES.filter((row) => row.model === body.model);
  if (sameModel.length === 0) return { field: 'model', message: `model '${String(body.model)}' is not supported` };
  const sameType = sameModel.filter((row) => row.taskType === body.task_type);
  if (sameType.length === 0) {
    return { field: 'task_type', message: `task_type '${String(body.task_type)}' is not supported for model '${String(body.model)}'` };
  }
  const rule = sameType.find((row) =>
    Object.entries(row.variant).every(([field, value]) => input[field] === undefined || String(input[field]) === value),
  );
  if (rule === undefined) {
    const asked = Object.keys(sameType[0].variant)
      .map((field) => `${field} '${String(input[field])}'`)
      .join(', ');
    return { field: 'input', message: `${asked} is not a supported ${String(body.task_type)} combination for model '${String(body.model)}'` };
  }
  for (const field of ['prompt', 'negative_prompt']) {
    const text = input[field];
    if (typeof text === 'string' && promptLength(text) > rule.promptMax) {
      return { field: `input.${field}`, message: `input.${field} must be at most ${rule.promptMax} characters` };
    }
  }
  if (input.duration !== undefined && !(rule.durations ?? []).includes(Number(input.duration))) {
    return {
      field: 'input.duration',
      message: rule.durations ? `input.duration must be one of ${rule.durations.join(', ')}` : 'input.duration is not accepted by this model',
    };
  }
  if (input.aspect_ratio !== undefined && !(rule.aspectRatios ?? []).includes(String(input.aspect_ratio))) {
    return {
      field: 'input.aspect_ratio',
      message: rule.aspectRatios
        ? `input.aspect_ratio must be one of ${rule.aspectRatios.join(', ')}`
        : 'input.aspect_ratio is not accepted by this model',
    };
  }
  if (input.resolution !== undefined && !(rule.resolutions ?? []).includes(Number(input.resolution))) {
    return {
      field: 'input.resolution',
      message: rule.resolutions ? `input.resolution must be one of ${rule.resolutions.join(', ')}` : 'input.resolution is not accepted by this model',
    };
  }
  if (rule.size && (input.width !== undefined || input.height !== undefined)) {
    const { min, max, maxPixels } = rule.size;
    for (const side of ['width', 'height'] as const) {
      const value = input[side];
      if (value === undefined) continue;
      if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
        return { field: `input.${side}`, message: `input.${side} must be an integer from ${min} to ${max}` };
      }
    }
    const width = Number(input.width ?? 1024);
    const height = Number(input.height ?? 1024);
    if (width * height > maxPixels) return { field: 'input.width', message: `width*height cannot exceed ${maxPixels}` };
  }
  if (rule.size && input.batch_size !== undefined) {
    const batch = input.batch_size;
    if (typeof batch !== 'number' || !Number.isInteger(batch) || batch < 1 || batch > 4) {
      return { field: 'input.batch_size', message: 'input.batch_size must be an integer from 1 to 4' };
    }
  }
  return undefined;
}
