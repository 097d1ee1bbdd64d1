import { createFalClient, type RequestMiddleware } from '@fal-ai/client';
import { z } from 'zod';
import type { SceneKind } from '../domain/scene';
import { FailureType } from '../domain/failures';
import { closestAspect } from '../catalog/aspect-ratio';
import { classifyProviderError, unsupportedKindFailure } from './classify-failure';
import { generationCostUsd, type GenerationPrice } from '../catalog/cost';
import { ProviderResponseError } from './http-errors';
import { editEndpoint } from '../catalog/edits';
import { FAL_KONTEXT, FAL_SCHNELL } from '../catalog/limits/fal';
import { limitPrompt } from '../catalog/prompt-limit';
import { createProviderFetch, type FetchFunction } from './provider-fetch';
import type { ProviderClient, ProviderPollResult, ProviderSubmitRequest } from './provider-client';

export interface FalProviderOptions {
  apiKey: string;
  /** When set, queue calls go to `${simUrl}/fal/queue/...` instead of https://queue.fal.run/. */
  simUrl?: string;
  price: GenerationPrice;
  requestTimeoutMs?: number;
  fetchImpl?: FetchFunction;
}

export const FAL_ENDPOINT = FAL_SCHNELL.endpoint;
const FAL_QUEUE_ORIGIN = 'https://queue.fal.run/';

const IMAGE_SIZES = {
  '16:9': 'landscape_16_9',
  '9:16': 'portrait_16_9',
  '4:3': 'landscape_4_3',
  '3:4': 'portrait_4_3',
  '1:1': 'square_hd',
} as const;
type ImageShape = keyof typeof IMAGE_SIZES;
const IMAGE_SHAPES = Object.keys(IMAGE_SIZES) as ImageShape[];

const SubmittedSchema = z.object({ request_id: z.string().min(1) });
const StatusSchema = z.object({
  status: z.string(),
  // Not in the SDK's types, but fal's HTTP reference lists them on a request that failed.
  error: z.string().nullish().catch(undefined),
  error_type: z.string().nullish().catch(undefined),
});
const OutputSchema = z.object({
  images: z.array(z.object({ url: z.string().min(1) })).min(1),
  has_nsfw_concepts: z.array(z.boolean()).nullish().catch(undefined),
});

/** The flux/schnell input the product sends for a request: named sizes only, inside the schema. */
export function falInput(request: ProviderSubmitRequest): { prompt: string } & Record<string, unknown> {
  return {
    prompt: limitPrompt(request.prompt, FAL_SCHNELL.promptMax),
    image_size: IMAGE_SIZES[closestAspect(request.aspectRatio, IMAGE_SHAPES)],
    num_images: 1,
    enable_safety_checker: true,
  };
}

/** The kontext input for an edit: the instruction and the image; the output keeps the image's shape. */
export function falEditInput(instruction: string, sourceUri: string): { prompt: string; image_url: string } & Record<string, unknown> {
  return { prompt: limitPrompt(instruction, editEndpoint('falai', 'image')?.promptMax ?? FAL_SCHNELL.promptMax), image_url: sourceUri, num_images: 1, output_format: 'png' };
}

/**
 * An edit's task id carries this prefix: fal looks a request up under the endpoint's owner/app
 * (fal-ai/flux-pro for kontext, fal-ai/flux for schnell), so a look must know which it was.
 */
const EDIT_TASK_PREFIX = 'kontext:';

function isEditTask(taskId: string): boolean {
  return taskId.startsWith(EDIT_TASK_PREFIX);
}

function endpointOf(taskId: string): string {
  return isEditTask(taskId) ? FAL_KONTEXT.endpoint : FAL_ENDPOINT;
}

function requestIdOf(taskId: string): string {
  return isEditTask(taskId) ? taskId.slice(EDIT_TASK_PREFIX.length) : taskId;
}

/**
 * The simulator serves fal's queue under `/fal/queue/`; fal's client has no base-URL option,
 * so its documented request middleware points every queue URL there. Production skips this.
 */
export function simulatorMiddleware(simUrl: string): RequestMiddleware {
  const target = `${simUrl.replace(/\/+$/, '')}/fal/queue/`;
  return async (request) =>
    request.url.startsWith(FAL_QUEUE_ORIGIN) ? { ...request, url: target + request.url.slice(FAL_QUEUE_ORIGIN.length) } : request;
}

/**
 * fal.ai's flux/schnell through the official client's queue API, one client instance per
 * adapter (no global `fal.config`). The client's own retries cannot be switched off for queue
 * calls (they pass a fixed retry config per call), so its `fetch` is ours: it turns every
 * non-2xx answer and transport failure into an error the client does not recognise as
 * retryable, which leaves retrying to Temporal and keeps the retry-after header.
 */
export function createFalProvider(options: FalProviderOptions): ProviderClient {
  const editPriceUsd = editEndpoint('falai', 'image')?.perItemUsd ?? 0;
  const fal = createFalClient({
    credentials: options.apiKey,
    suppressLocalCredentialsWarning: true,
    fetch: createProviderFetch({ timeoutMs: options.requestTimeoutMs ?? 30_000, fetchImpl: options.fetchImpl }),
    retry: { maxRetries: 0 },
    ...(options.simUrl ? { requestMiddleware: simulatorMiddleware(options.simUrl) } : {}),
  });

  async function readResult(requestId: string): Promise<ProviderPollResult> {
    let data: unknown;
    try {
      ({ data } = await fal.queue.result(endpointOf(requestId), { requestId: requestIdOf(requestId) }));
    } catch (error) {
      // The result of a failed request is its error: a refusal or a rejected input is the
      // task's failure; anything retryable (5xx, timeouts) is thrown so polling resumes.
      const failure = classifyProviderError('falai', 'poll', error);
      if (failure.type === FailureType.contentRefused) return { state: 'failed', reason: failure.message, refused: true };
      if (failure.type === FailureType.badRequest) return { state: 'failed', reason: failure.message, refused: false };
      throw failure;
    }
    const output = OutputSchema.safeParse(data);
    if (!output.success) return { state: 'failed', reason: 'the result carried no image', refused: false };
    if (output.data.has_nsfw_concepts?.[0] === true) {
      // The safety checker blacks such images out: moderation of the output.
      return { state: 'failed', reason: 'the safety checker flagged the image (has_nsfw_concepts)', refused: true };
    }
    // fal reports no cost; an edit is priced here, since the table's figure for the kind is schnell's.
    return { state: 'done', outputUrl: output.data.images[0].url, ...(isEditTask(requestId) ? { costUsd: editPriceUsd } : {}) };
  }

  /** A kontext edit, polled (no webhook): its task id says which endpoint to look under. */
  async function submitEdit(request: ProviderSubmitRequest, sourceUri: string) {
    try {
      const submitted = await fal.queue.submit(FAL_KONTEXT.endpoint, { input: falEditInput(request.prompt, sourceUri) });
      const parsed = SubmittedSchema.safeParse(submitted);
      if (!parsed.success) throw new ProviderResponseError('fal accepted the edit without a request_id');
      return { taskId: `${EDIT_TASK_PREFIX}${parsed.data.request_id}` };
    } catch (error) {
      throw classifyProviderError('falai', 'submit', error);
    }
  }

  return {
    async submit(request: ProviderSubmitRequest) {
      if (request.kind !== 'image') throw unsupportedKindFailure('falai', request.kind);
      if (request.edit !== undefined) return submitEdit(request, request.edit.sourceUri);
      try {
        // The client adds ?fal_webhook=<url>; fal POSTs the outcome there (docs.fal.ai/model-endpoints/webhooks).
        const webhook = request.callbackUrl === undefined ? {} : { webhookUrl: request.callbackUrl };
        const submitted = await fal.queue.submit(FAL_ENDPOINT, { input: falInput(request), ...webhook });
        const parsed = SubmittedSchema.safeParse(submitted);
        if (!parsed.success) throw new ProviderResponseError('fal accepted the request without a request_id');
        return { taskId: parsed.data.request_id };
      } catch (error) {
        throw classifyProviderError('falai', 'submit', error);
      }
    },
    async poll(taskId: string) {
      let status: z.infer<typeof StatusSchema>;
      try {
        const parsed = StatusSchema.safeParse(await fal.queue.status(endpointOf(taskId), { requestId: requestIdOf(taskId), logs: false }));
        if (!parsed.success) throw new ProviderResponseError('fal status without a readable status');
        status = parsed.data;
      } catch (error) {
        throw classifyProviderError('falai', 'poll', error);
      }
      if (status.status !== 'COMPLETED' && status.status !== 'FAILED') return { state: 'pending' };
      if (status.error || status.error_type) {
        const reason = [status.error_type, status.error].filter(Boolean).join(': ');
        return { state: 'failed', reason, refused: /content_policy_violation/i.test(reason) };
      }
      return readResult(taskId);
    },
    async cancel(taskId: string) {
      try {
        await fal.queue.cancel(endpointOf(taskId), { requestId: requestIdOf(taskId) });
      } catch (error) {
        throw classifyProviderError('falai', 'cancel', error);
      }
    },
    costUsd(kind: SceneKind) {
      return generationCostUsd(options.price, kind, 0);
    },
  };
}
