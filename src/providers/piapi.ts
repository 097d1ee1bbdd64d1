import { z } from 'zod';
import type { SceneKind } from '../domain/scene';
import {
  classifyProviderError,
  mentionsModeration,
  cannotEditFailure, unsupportedKindFailure,
  type ProviderOperation,
} from './classify-failure';
import { generationCostUsd, type GenerationPrice } from '../catalog/cost';
import { ProviderHttpError, ProviderResponseError } from './http-errors';
import { PIAPI_MODELS, type PiapiProvider } from './piapi-models';
import { createProviderFetch, type FetchFunction } from './provider-fetch';
import type { ProviderClient, ProviderPollResult, ProviderSubmitRequest } from './provider-client';

export const PIAPI_BASE_URL = 'https://api.piapi.ai';

export interface PiapiProviderOptions {
  provider: PiapiProvider;
  apiKey: string;
  /** PiAPI itself, or the simulator's base URL. */
  baseUrl?: string;
  price: GenerationPrice;
  requestTimeoutMs?: number;
  fetchImpl?: FetchFunction;
}

// PiAPI wraps every answer in { code, message, data }; the code, not the HTTP status, says success.
const EnvelopeSchema = z.object({
  code: z.number(),
  message: z.string().nullish(),
  // Absent from some answers: a cancel answers {"code":200,"message":"task <id> canceled"}.
  data: z.unknown().optional(),
});

const TaskSchema = z.object({
  task_id: z.string().min(1),
  status: z.string(),
  output: z.unknown().optional(),
  error: z
    .object({
      code: z.number().nullish(),
      message: z.string().nullish(),
      raw_message: z.string().nullish(),
    })
    .nullish()
    .catch(undefined),
});
type PiapiTask = z.infer<typeof TaskSchema>;

/**
 * PiAPI calls `config.webhook_config.endpoint` when the task ends and sends `secret` back as the
 * x-webhook-secret header (piapi.ai/docs/unified-webhook).
 */
function withWebhook(body: Record<string, unknown>, request: ProviderSubmitRequest): Record<string, unknown> {
  if (request.callbackUrl === undefined) return body;
  const config = (body.config ?? {}) as Record<string, unknown>;
  return {
    ...body,
    config: { ...config, webhook_config: { endpoint: request.callbackUrl, secret: request.callbackSecret ?? '' } },
  };
}

/** Kling, Luma, Hailuo and Flux through PiAPI's unified task API: create, then get until it ends. */
export function createPiapiProvider(options: PiapiProviderOptions): ProviderClient {
  const { provider } = options;
  const model = PIAPI_MODELS[provider];
  const baseUrl = (options.baseUrl ?? PIAPI_BASE_URL).replace(/\/+$/, '');
  const providerFetch = createProviderFetch({
    timeoutMs: options.requestTimeoutMs ?? 30_000,
    fetchImpl: options.fetchImpl,
  });

  /** One request; returns the envelope's `data`, or throws our HTTP/response errors unclassified. */
  async function send(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await providerFetch(`${baseUrl}${path}`, {
      method,
      headers: { 'X-API-Key': options.apiKey, 'Content-Type': 'application/json', Accept: 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const envelope = EnvelopeSchema.safeParse(await response.json().catch(() => undefined));
    if (!envelope.success) throw new ProviderResponseError(`unexpected PiAPI answer to ${method} ${path}`);
    const { code, message, data } = envelope.data;
    // 200 is what the API documents; PiAPI's own CLI expects 0, so both mean success.
    if (code !== 200 && code !== 0) {
      // The envelope's code mirrors an HTTP status when it is one; anything else is a rejection.
      throw new ProviderHttpError(code >= 400 && code <= 599 ? code : 400, { code, message }, undefined);
    }
    return data;
  }

  async function sendForTask(operation: ProviderOperation, method: string, path: string, body?: unknown): Promise<PiapiTask> {
    try {
      const task = TaskSchema.safeParse(await send(method, path, body));
      if (!task.success) throw new ProviderResponseError('PiAPI task without a readable task_id and status');
      return task.data;
    } catch (error) {
      throw classifyProviderError(provider, operation, error);
    }
  }

  function toPollResult(task: PiapiTask): ProviderPollResult {
    switch (task.status.toLowerCase()) {
      case 'completed': {
        const outputUrl = model.readOutputUrl(task.output);
        return outputUrl
          ? { state: 'done', outputUrl }
          : { state: 'failed', reason: 'the task completed without an output URL', refused: false };
      }
      case 'failed': {
        const reason = task.error?.message || task.error?.raw_message || 'the task failed without a reason';
        const said = `${task.error?.message ?? ''} ${task.error?.raw_message ?? ''}`;
        return { state: 'failed', reason, refused: mentionsModeration(said) };
      }
      case 'cancelled':
      case 'canceled':
        return { state: 'failed', reason: 'the task was cancelled', refused: false };
      default:
        // pending, processing, staged, and any state PiAPI adds later: keep waiting; the
        // activity's own deadline bounds how long.
        return { state: 'pending', progress: model.readProgress?.(task.output) };
    }
  }

  return {
    async submit(request: ProviderSubmitRequest) {
      if (request.kind !== model.makes) throw unsupportedKindFailure(provider, request.kind);
      if (request.edit !== undefined) throw cannotEditFailure(provider, request.kind);
      const task = await sendForTask('submit', 'POST', '/api/v1/task', withWebhook(model.createBody(request), request));
      return { taskId: task.task_id };
    },
    async poll(taskId: string) {
      return toPollResult(await sendForTask('poll', 'GET', `/api/v1/task/${encodeURIComponent(taskId)}`));
    },
    async cancel(taskId: string) {
      try {
        await send('DELETE', `/api/v1/task/${encodeURIComponent(taskId)}`);
      } catch (error) {
        throw classifyProviderError(provider, 'cancel', error);
      }
    },
    costUsd(kind: SceneKind, durationSeconds: number) {
      return generationCostUsd(options.price, kind, model.billedSeconds(kind, durationSeconds));
    },
  };
}
