import RunwayML from '@runwayml/sdk';
import { z } from 'zod';
import type { SceneKind } from '../domain/scene';
import { closestAspect } from '../catalog/aspect-ratio';
import { classifyProviderError, mentionsModeration } from './classify-failure';
import { generationCostUsd, roundUsd, type GenerationPrice } from '../catalog/cost';
import { RUNWAY_CREDIT_USD } from '../catalog/prices';
import { ProviderResponseError } from './http-errors';
import { runwayFailureRule, runwayRule, type RunwayEndpoint } from '../catalog/limits/runway';
import { snapUp } from '../catalog/limits/rule';
import { limitPrompt } from '../catalog/prompt-limit';
import type { ProviderClient, ProviderPollResult, ProviderSubmitRequest } from './provider-client';

export interface RunwayProviderOptions {
  apiKey: string;
  /** Unset: the SDK's own default (Runway's API). The simulator's base URL otherwise. */
  baseUrl?: string;
  price: GenerationPrice;
  requestTimeoutMs?: number;
}

const VIDEO = runwayRule('text_to_video', 'gen4.5');
const IMAGE = runwayRule('text_to_image', 'gen4_image');
const V2V = runwayRule('video_to_video', 'aleph2');
/** The reference image's tag: 3-16 characters, a letter first (RUNWAY_REFERENCE_IMAGES). */
const SOURCE_TAG = 'source';
// gen4_image's 720p shapes (a subset of its rule's ratios): the cheaper tier, and the one the
// price table assumes.
const IMAGE_RATIOS = ['1280:720', '720:1280', '720:720', '960:720', '720:960', '1680:720'] as const;

// The SDK returns the JSON as it came; read only what is needed and nothing that may vary.
const CreatedSchema = z.object({ id: z.string().min(1) });
const TaskSchema = z.object({
  id: z.string(),
  status: z.string(),
  progress: z.number().nullish().catch(undefined),
  output: z.array(z.string()).nullish().catch(undefined),
  failure: z.string().nullish(),
  failureCode: z.string().nullish(),
  // A terminal task's final charge (the SDK's Task types): refunds already taken off.
  cost: z.object({ credits: z.number().min(0) }).nullish().catch(undefined),
});

/** The shortest duration gen4.5 takes that covers the scene (whole seconds, 2 to 10). */
function videoSeconds(durationSeconds: number): number {
  return snapUp(Math.ceil(durationSeconds), VIDEO.durations ?? [10]);
}

/** The endpoint and body the product sends Runway for a request: always inside the rule rows. */
export function runwayRequest(request: ProviderSubmitRequest): { endpoint: RunwayEndpoint; body: Record<string, unknown> } {
  if (request.edit !== undefined) return runwayEditRequest(request, request.edit.sourceUri);
  if (request.kind === 'video') {
    return {
      endpoint: 'text_to_video',
      body: {
        model: VIDEO.model,
        promptText: limitPrompt(request.prompt, VIDEO.promptMax),
        ratio: closestAspect(request.aspectRatio, VIDEO.ratios),
        duration: videoSeconds(request.durationSeconds),
      },
    };
  }
  return {
    endpoint: 'text_to_image',
    body: {
      model: IMAGE.model,
      promptText: limitPrompt(request.prompt, IMAGE.promptMax),
      ratio: closestAspect(request.aspectRatio, IMAGE_RATIOS),
    },
  };
}

/**
 * A repair: a clip through Aleph 2.0's video-to-video, an image through gen4_image with the asset
 * as its one reference image, which the instruction names by its tag.
 */
function runwayEditRequest(request: ProviderSubmitRequest, sourceUri: string): { endpoint: RunwayEndpoint; body: Record<string, unknown> } {
  if (request.kind === 'video') {
    return { endpoint: 'video_to_video', body: { model: V2V.model, videoUri: sourceUri, promptText: limitPrompt(request.prompt, V2V.promptMax) } };
  }
  const instruction = `Edit @${SOURCE_TAG}. ${request.prompt}`;
  return {
    endpoint: 'text_to_image',
    body: {
      model: IMAGE.model,
      promptText: limitPrompt(instruction, IMAGE.promptMax),
      ratio: closestAspect(request.aspectRatio, IMAGE_RATIOS),
      referenceImages: [{ uri: sourceUri, tag: SOURCE_TAG }],
    },
  };
}

/** Runway through its official SDK; the SDK's own retries are off because Temporal retries. */
export function createRunwayProvider(options: RunwayProviderOptions): ProviderClient {
  const client = new RunwayML({
    apiKey: options.apiKey,
    baseURL: options.baseUrl,
    maxRetries: 0,
    timeout: options.requestTimeoutMs ?? 30_000,
  });

  function toPollResult(raw: unknown): ProviderPollResult {
    const parsed = TaskSchema.safeParse(raw);
    if (!parsed.success) throw new ProviderResponseError('Runway task without a readable id and status');
    const task = parsed.data;
    const billed = task.cost ? { costUsd: roundUsd(task.cost.credits * RUNWAY_CREDIT_USD) } : {};
    switch (task.status) {
      case 'SUCCEEDED': {
        const outputUrl = task.output?.[0];
        return outputUrl
          ? { state: 'done', outputUrl, ...billed }
          : { state: 'failed', reason: 'the task succeeded without an output URL', refused: false, ...billed };
      }
      case 'FAILED': {
        const code = task.failureCode ?? '';
        const reason = [code, task.failure].filter(Boolean).join(': ') || 'the task failed without a reason';
        const rule = runwayFailureRule(code);
        const refused = rule ? rule.outcome === 'refused' : code === '' && mentionsModeration(task.failure ?? '');
        return {
          state: 'failed',
          reason: rule ? `${reason} (${rule.meaning})` : reason,
          refused,
          ...(rule?.outcome === 'provider_fault' ? { providerFault: true } : {}),
          ...billed,
        };
      }
      case 'CANCELLED':
        return { state: 'failed', reason: 'the task was cancelled or deleted', refused: false, ...billed };
      case 'RUNNING':
        return { state: 'pending', progress: normaliseProgress(task.progress) };
      default:
        // PENDING and THROTTLED (over the organisation's concurrency): queued at Runway.
        return { state: 'pending' };
    }
  }

  return {
    async submit(request: ProviderSubmitRequest) {
      const { endpoint, body } = runwayRequest(request);
      try {
        // The bodies are built from the rule rows, whose values are the SDK's own unions.
        const created =
          endpoint === 'text_to_video'
            ? await client.textToVideo.create(body as unknown as RunwayML.TextToVideoCreateParams)
            : endpoint === 'video_to_video'
              ? await client.videoToVideo.create(body as unknown as RunwayML.VideoToVideoCreateParams)
              : await client.textToImage.create(body as unknown as RunwayML.TextToImageCreateParams);
        const parsed = CreatedSchema.safeParse(created);
        if (!parsed.success) throw new ProviderResponseError('Runway accepted the task without an id');
        return { taskId: parsed.data.id };
      } catch (error) {
        throw classifyProviderError('runway', 'submit', error);
      }
    },
    async poll(taskId: string) {
      try {
        return toPollResult(await client.tasks.retrieve(taskId));
      } catch (error) {
        throw classifyProviderError('runway', 'poll', error);
      }
    },
    async cancel(taskId: string) {
      try {
        await client.tasks.delete(taskId);
      } catch (error) {
        throw classifyProviderError('runway', 'cancel', error);
      }
    },
    costUsd(kind: SceneKind, durationSeconds: number) {
      return generationCostUsd(options.price, kind, kind === 'video' ? videoSeconds(durationSeconds) : 0);
    },
  };
}

// Runway reports 0..1; accept a percentage too rather than report 4000 % done.
function normaliseProgress(progress: number | null | undefined): number | undefined {
  if (typeof progress !== 'number' || progress < 0) return undefined;
  return progress > 1 ? Math.min(1, progress / 100) : progress;
}
