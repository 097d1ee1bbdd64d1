import type { RuleViolation } from './rule';
import { promptLength } from './rule';

/**
 * Runway's generation endpoints, one row per endpoint and model the product may send. Figures
 * are the installed @runwayml/sdk's request types (resources/text-to-video.d.ts,
 * text-to-image.d.ts), which are generated from Runway's API reference.
 */
export type RunwayEndpoint = 'text_to_video' | 'text_to_image' | 'image_to_video' | 'video_to_video';

export interface RunwayRule {
  endpoint: RunwayEndpoint;
  model: string;
  makes: 'video' | 'image';
  ratios: readonly string[];
  /** Whole seconds taken; undefined: the endpoint has no duration. */
  durations?: readonly number[];
  /** promptText, in UTF-16 code units. */
  promptMax: number;
  promptRequired: boolean;
  source: string;
}

const GEN4_5_SECONDS = [2, 3, 4, 5, 6, 7, 8, 9, 10] as const;
const I2V_RATIOS = ['1280:720', '720:1280', '1104:832', '832:1104', '960:960', '1584:672'] as const;

export const RUNWAY_RULES: readonly RunwayRule[] = [
  {
    endpoint: 'text_to_video',
    model: 'gen4.5',
    makes: 'video',
    ratios: ['1280:720', '720:1280'],
    durations: GEN4_5_SECONDS,
    promptMax: 1000,
    promptRequired: true,
    source: 'https://docs.dev.runwayml.com/api/#tag/Start-generating/paths/~1v1~1text_to_video/post (@runwayml/sdk text-to-video.d.ts Gen4_5)',
  },
  {
    endpoint: 'text_to_image',
    model: 'gen4_image',
    makes: 'image',
    ratios: [
      '1024:1024', '1080:1080', '1168:880', '1360:768', '1440:1080', '1080:1440', '1808:768', '1920:1080',
      '1080:1920', '2112:912', '1280:720', '720:1280', '720:720', '960:720', '720:960', '1680:720',
    ],
    promptMax: 1000,
    promptRequired: true,
    source: 'https://docs.dev.runwayml.com/api/#tag/Start-generating/paths/~1v1~1text_to_image/post (@runwayml/sdk text-to-image.d.ts Gen4Image)',
  },
  {
    // Aleph 2.0, the product's clip repair: the output keeps the source's shape and length, so
    // the body has no ratio (deprecated) and no duration (@runwayml/sdk 4.20.1 video-to-video.d.ts).
    endpoint: 'video_to_video',
    model: 'aleph2',
    makes: 'video',
    ratios: [],
    promptMax: 1000,
    promptRequired: false,
    source: 'https://docs.dev.runwayml.com/api/#tag/Start-generating/paths/~1v1~1video_to_video/post (@runwayml/sdk video-to-video.d.ts Variant0)',
  },
  {
    // Not sent by the product; kept so the simulator still answers image-to-video.
    endpoint: 'image_to_video',
    model: 'gen4.5',
    makes: 'video',
    ratios: I2V_RATIOS,
    durations: GEN4_5_SECONDS,
    promptMax: 1000,
    promptRequired: false,
    source: 'https://docs.dev.runwayml.com/api/#tag/Start-generating/paths/~1v1~1image_to_video/post',
  },
  {
    endpoint: 'image_to_video',
    model: 'gen4_turbo',
    makes: 'video',
    ratios: I2V_RATIOS,
    durations: [5, 10],
    promptMax: 1000,
    promptRequired: false,
    source: 'https://docs.dev.runwayml.com/api/#tag/Start-generating/paths/~1v1~1image_to_video/post',
  },
];

export function runwayRule(endpoint: RunwayEndpoint, model: string): RunwayRule {
  const rule = RUNWAY_RULES.find((row) => row.endpoint === endpoint && row.model === model);
  if (rule === undefined) throw new Error(`no Runway rule for ${endpoint} ${model}`);
  return rule;
}

/** The first rule a generation request breaks, as Runway's validation issue would name it. */
export function checkRunwayCreate(endpoint: RunwayEndpoint, body: Record<string, unknown>): RuleViolation | undefined {
  const rows = RUNWAY_RULES.filter((row) => row.endpoint === endpoint);
  const rule = rows.find((row) => row.model === body.model);
  if (rule === undefined) {
    return { field: 'model', message: `Invalid enum value. Expected ${rows.map((row) => `'${row.model}'`).join(' | ')}, received '${String(body.model)}'` };
  }
  const prompt = body.promptText;
  if (prompt === undefined && rule.promptRequired) return { field: 'promptText', message: 'Required' };
  if (prompt !== undefined) {
    if (typeof prompt !== 'string' || prompt.trim() === '') return { field: 'promptText', message: 'promptText must be a non-empty string' };
    if (promptLength(prompt) > rule.promptMax) {
      return { field: 'promptText', message: `String must contain at most ${rule.promptMax} character(s)` };
    }
  }
  const references = checkReferenceImages(body.referenceImages);
  if (references) return references;
  if (endpoint === 'video_to_video') return checkVideoToVideo(body);
  if (!rule.ratios.includes(String(body.ratio))) {
    return { field: 'ratio', message: `Invalid enum value. Expected ${rule.ratios.map((ratio) => `'${ratio}'`).join(' | ')}, received '${String(body.ratio)}'` };
  }
  if (rule.durations === undefined) {
    if (body.duration !== undefined) return { field: 'duration', message: `${rule.model} takes no duration` };
  } else if (body.duration === undefined) {
    if (endpoint === 'text_to_video') return { field: 'duration', message: 'Required' };
  } else if (!rule.durations.includes(body.duration as number)) {
    return { field: 'duration', message: `duration must be one of ${rule.durations.join(', ')} for ${rule.model}` };
  }
  return undefined;
}

/** gen4_image's referenceImages: up to three, each a URI with an optional tag (text-to-image.d.ts Gen4Image.ReferenceImage). */
export const RUNWAY_REFERENCE_IMAGES = { max: 3, tagPattern: /^[A-Za-z][A-Za-z0-9_]{2,15}$/ } as const;

/** Aleph 2.0's keyframes: up to five (video-to-video.d.ts Variant0.keyframes). */
export const RUNWAY_V2V_KEYFRAMES_MAX = 5;

function checkReferenceImages(value: unknown): RuleViolation | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) return { field: 'referenceImages', message: 'Expected array' };
  if (value.length > RUNWAY_REFERENCE_IMAGES.max) return { field: 'referenceImages', message: `Array must contain at most ${RUNWAY_REFERENCE_IMAGES.max} element(s)` };
  for (const [index, image] of value.entries()) {
    const { uri, tag } = (image ?? {}) as { uri?: unknown; tag?: unknown };
    if (typeof uri !== 'string' || uri === '') return { field: `referenceImages.${index}.uri`, message: 'Required' };
    if (tag !== undefined && (typeof tag !== 'string' || !RUNWAY_REFERENCE_IMAGES.tagPattern.test(tag))) {
      return { field: `referenceImages.${index}.tag`, message: 'tag must be 3-16 characters, start with a letter, and use only letters, digits and underscores' };
    }
  }
  return undefined;
}

function checkVideoToVideo(body: Record<string, unknown>): RuleViolation | undefined {
  if (typeof body.videoUri !== 'string' || body.videoUri === '') return { field: 'videoUri', message: 'Required' };
  if (body.duration !== undefined) return { field: 'duration', message: 'aleph2 takes no duration: the output is as long as the input' };
  const keyframes = body.keyframes;
  if (keyframes !== undefined && (!Array.isArray(keyframes) || keyframes.length > RUNWAY_V2V_KEYFRAMES_MAX)) {
    return { field: 'keyframes', message: `Array must contain at most ${RUNWAY_V2V_KEYFRAMES_MAX} element(s)` };
  }
  return undefined;
}

/**
 * What a FAILED task's failureCode means for the product, per Runway's task-failures page.
 * refused: moderation refused an input (the prompt): the same prompt fails again anywhere it is
 * sent, so no retry and the next provider. failed: the task ran and made nothing usable
 * (moderation rejected the output, or Runway's own quality check did); repeating the same request
 * "is not likely to succeed", but the round's next attempt, with a rewritten prompt, may pass.
 * provider_fault: Runway could not run its own moderation: nothing about the content, so the
 * provider's failure, which a later attempt may get past.
 */
export interface RunwayFailureRule {
  prefix: string;
  outcome: 'refused' | 'failed' | 'provider_fault';
  meaning: string;
  source: string;
}

const TASK_FAILURES_DOC = 'https://docs.dev.runwayml.com/api-details/task-failures';

export const RUNWAY_FAILURE_RULES: readonly RunwayFailureRule[] = [
  { prefix: 'SAFETY.INPUT.', outcome: 'refused', meaning: 'moderation refused an input', source: TASK_FAILURES_DOC },
  { prefix: 'SAFETY.OUTPUT.', outcome: 'failed', meaning: 'moderation rejected the output; a different prompt may pass', source: TASK_FAILURES_DOC },
  { prefix: 'INTERNAL.BAD_OUTPUT.', outcome: 'failed', meaning: 'rejected for quality or a system error', source: TASK_FAILURES_DOC },
  { prefix: 'INPUT_PREPROCESSING.SAFETY.', outcome: 'refused', meaning: 'moderation refused the prompt text', source: TASK_FAILURES_DOC },
  { prefix: 'INPUT_PREPROCESSING.INTERNAL', outcome: 'provider_fault', meaning: 'Runway could not run its content moderation', source: TASK_FAILURES_DOC },
];

export function runwayFailureRule(failureCode: string): RunwayFailureRule | undefined {
  return RUNWAY_FAILURE_RULES.find((row) => failureCode.startsWith(row.prefix));
}
