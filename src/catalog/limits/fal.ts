import type { RuleViolation } from './rule';

/**
 * fal.ai's flux/schnell input schema (the endpoint's OpenAPI schema behind its API page). fal
 * answers inputs outside it with 422 and FastAPI's `detail` list.
 */
export const FAL_SCHNELL = {
  endpoint: 'fal-ai/flux/schnell',
  imageSizeNames: ['square_hd', 'square', 'portrait_4_3', 'portrait_16_9', 'landscape_4_3', 'landscape_16_9'],
  /** Custom sizes: fal's ImageSize object, each side a positive integer up to 14,142 px in its OpenAPI schema. */
  customSide: { min: 1, max: 14_142 },
  numImages: { min: 1, max: 4 },
  inferenceSteps: { min: 1, max: 12 },
  outputFormats: ['jpeg', 'png'],
  accelerations: ['none', 'regular', 'high'],
  /**
   * No prompt limit is published (FLUX.1's text encoder reads about 256 tokens and ignores the
   * rest): a product cap, not an API rule, so the simulator does not refuse longer prompts.
   */
  promptMax: 2000,
  source: 'https://fal.ai/models/fal-ai/flux/schnell/api (https://fal.ai/models/fal-ai/flux-1/schnell/llms.txt)',
} as const;

export interface FalDetail {
  loc: (string | number)[];
  msg: string;
  type: string;
}

/** Every field of a flux/schnell submission outside the schema, in FastAPI's detail form. */
export function checkFalSchnell(input: Record<string, unknown>): FalDetail[] {
  const details: FalDetail[] = [];
  const add = (violation: RuleViolation, type: string) => details.push({ loc: ['body', violation.field], msg: violation.message, type });
  const rule = FAL_SCHNELL;
  if (typeof input.prompt !== 'string' || input.prompt.trim() === '') {
    add({ field: 'prompt', message: 'Field required' }, 'missing');
  }
  const size = input.image_size;
  if (size !== undefined) {
    if (typeof size === 'string') {
      if (!(rule.imageSizeNames as readonly string[]).includes(size)) {
        add({ field: 'image_size', message: `Input should be ${rule.imageSizeNames.map((name) => `'${name}'`).join(', ')}` }, 'enum');
      }
    } else if (typeof size === 'object' && size !== null) {
      for (const side of ['width', 'height'] as const) {
        const value = (size as Record<string, unknown>)[side];
        if (!integerIn(value, rule.customSide)) {
          add({ field: 'image_size', message: `${side} should be an integer from ${rule.customSide.min} to ${rule.customSide.max}` }, 'value_error');
        }
      }
    } else {
      add({ field: 'image_size', message: 'Input should be a valid size name or an object with width and height' }, 'model_type');
    }
  }
  if (input.num_images !== undefined && !integerIn(input.num_images, rule.numImages)) {
    add({ field: 'num_images', message: `Input should be an integer from ${rule.numImages.min} to ${rule.numImages.max}` }, 'less_than_equal');
  }
  if (input.num_inference_steps !== undefined && !integerIn(input.num_inference_steps, rule.inferenceSteps)) {
    add({ field: 'num_inference_steps', message: `Input should be an integer from ${rule.inferenceSteps.min} to ${rule.inferenceSteps.max}` }, 'less_than_equal');
  }
  if (input.output_format !== undefined && !(rule.outputFormats as readonly unknown[]).includes(input.output_format)) {
    add({ field: 'output_format', message: "Input should be 'jpeg' or 'png'" }, 'enum');
  }
  if (input.acceleration !== undefined && !(rule.accelerations as readonly unknown[]).includes(input.acceleration)) {
    add({ field: 'acceleration', message: "Input should be 'none', 'regular' or 'high'" }, 'enum');
  }
  for (const flag of ['enable_safety_checker', 'sync_mode'] as const) {
    if (input[flag] !== undefined && typeof input[flag] !== 'boolean') add({ field: flag, message: 'Input should be a valid boolean' }, 'bool_type');
  }
  if (input.seed !== undefined && !Number.isInteger(input.seed)) add({ field: 'seed', message: 'Input should be a valid integer' }, 'int_type');
  return details;
}

function integerIn(value: unknown, range: { min: number; max: number }): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= range.min && value <= range.max;
}

/**
 * fal.ai's flux-pro/kontext input (FluxKontextInput in @fal-ai/client 1.10.1
 * src/types/endpoints.d.ts, the endpoint's OpenAPI schema): an instruction edit of one image.
 */
export const FAL_KONTEXT = {
  endpoint: 'fal-ai/flux-pro/kontext',
  aspectRatios: ['21:9', '16:9', '4:3', '3:2', '1:1', '2:3', '3:4', '9:16', '9:21'],
  numImages: { min: 1, max: 4 },
  outputFormats: ['jpeg', 'png'],
  safetyTolerances: ['1', '2', '3', '4', '5', '6'],
  source: 'https://fal.ai/models/fal-ai/flux-pro/kontext/api',
} as const;

/** Every field of a kontext submission outside its schema, in FastAPI's detail form. */
export function checkFalKontext(input: Record<string, unknown>): FalDetail[] {
  const details: FalDetail[] = [];
  const rule = FAL_KONTEXT;
  const add = (field: string, msg: string, type: string) => details.push({ loc: ['body', field], msg, type });
  if (typeof input.prompt !== 'string' || input.prompt.trim() === '') add('prompt', 'Field required', 'missing');
  if (input.image_url === undefined) add('image_url', 'Field required', 'missing');
  else if (typeof input.image_url !== 'string' || input.image_url === '') add('image_url', 'Input should be a valid URL', 'url_type');
  if (input.aspect_ratio !== undefined && !(rule.aspectRatios as readonly unknown[]).includes(input.aspect_ratio)) {
    add('aspect_ratio', `Input should be ${rule.aspectRatios.map((ratio) => `'${ratio}'`).join(', ')}`, 'enum');
  }
  if (input.num_images !== undefined && !integerIn(input.num_images, rule.numImages)) {
    add('num_images', `Input should be an integer from ${rule.numImages.min} to ${rule.numImages.max}`, 'less_than_equal');
  }
  if (input.output_format !== undefined && !(rule.outputFormats as readonly unknown[]).includes(input.output_format)) {
    add('output_format', "Input should be 'jpeg' or 'png'", 'enum');
  }
  if (input.safety_tolerance !== undefined && !(rule.safetyTolerances as readonly unknown[]).includes(input.safety_tolerance)) {
    add('safety_tolerance', "Input should be '1', '2', '3', '4', '5' or '6'", 'enum');
  }
  if (input.guidance_scale !== undefined && typeof input.guidance_scale !== 'number') add('guidance_scale', 'Input should be a valid number', 'float_type');
  for (const flag of ['enhance_prompt', 'sync_mode'] as const) {
    if (input[flag] !== undefined && typeof input[flag] !== 'boolean') add(flag, 'Input should be a valid boolean', 'bool_type');
  }
  if (input.seed !== undefined && !Number.isInteger(input.seed)) add('seed', 'Input should be a valid integer', 'int_type');
  return details;
}
