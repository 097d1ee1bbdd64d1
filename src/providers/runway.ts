import RunwayML from '@runwayml/sdk';
import { z } from 'zod';
import type { SceneKind } from '../domain/activity-types';
import { closestAspect } from './aspect-ratio';
import { classifyProviderError, mentionsModeration } from './classify-failure';
import { generationCostUsd, type GenerationPrice } from './cost';
import { ProviderResponseError } from './http-errors';
import { limitPrompt } from './prompt-limit';
import type { ProviderClient, ProviderPollResult, ProviderSubmitRequest } from './provider-client';

export interface RunwayProviderOptions {
  apiKey: string;
  /** Unset: the SDK's own default (Runway's API). The simulator's base URL otherwise. */
  baseUrl?: string;
  price: GenerationPrice;
  requestTimeoutMs?: number;
}

const VIDEO_MODEL = 'gen4.5';
const IMAGE_MODEL = 'gen4_image';
const VIDEO_RATIOS = ['1280:720', '720:1280'] as const;
// gen4_image's 720p shapes: the cheaper tier, and the one the price table assumes.
const IMAGE_RATIOS = ['1280:720', '720:1280', '720:720', '960:720', '720:960', '1680:720'] as const;
const PROMPT_LIMIT = 1000;

// The SDK returns the JSON as it came; read only what is needed and nothing that may vary.
const CreatedSchema = z.object({ id: z.string().min(1) });
const TaskSchema = z.object({
  id: z.string(),
  status: z.string(),
  progress: z.number().nullish().catch(undefined),
  output: z.array(z.string()).nullish().catch(undefined),
  failure: z.string().nullish(),
  failureCode: z.string().nullish(),
});

/** gen4.5 takes whole seconds from 2 to 10. */
function videoSeconds(durationSeconds: number): number {
  return Math.min(10, Math.max(2, Math.ceil(durationSeconds)));
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
    switch (task.status) {
      case 'SUCCEEDED': {
        const outputUrl = task.output?.[0];
        return outputUrl
          ? { state: 'done', outputUrl }
          : { state: 'failed', reason: 'the task succeeded without an output URL', refused: false };
      }
      case 'FAILED': {
        const code = task.failureCode ?? '';
        const reason = [code, task.failure].filter(Boolean).join(': ') || 'the task failed without a reason';
        const refused = code.startsWith('SAFETY.') || (code === '' && mentionsModeration(task.failure ?? ''));
        return { state: 'failed', reason, refused };
      }
      case 'CANCELLED':
        return { state: 'failed', reason: 'the task was cancelled or deleted', refused: false };
      case 'RUNNING':
        return { state: 'pending', progress: normaliseProgress(task.progress) };
      default:
        // PENDING and THROTTLED (over the organisation's concurrency): queued at Runway.
        return { state: 'pending' };
    }
  }

  return {
    async submit(request: ProviderSubmitRequest) {
      const promptText = limitPrompt(request.prompt, PROMPT_LIMIT);
      try {
        const created =
          request.kind === 'video'
            ? await client.textToVideo.create({
                model: VIDEO_MODEL,
                promptText,
                ratio: closestAspect(request.aspectRatio, VIDEO_RATIOS),
                duration: videoSeconds(request.durationSeconds),
              })
            : await client.textToImage.create({
                model: IMAGE_MODEL,
                promptText,
                ratio: closestAspect(request.aspectRatio, IMAGE_RATIOS),
              });
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
