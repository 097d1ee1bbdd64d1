import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ProviderName } from '../../domain/provider';
import { checkPiapiCreate, PIAPI_RULES } from '../../catalog/limits/piapi';
import { answerTransportFault, durationSeconds, submitGeneration } from '../generation';
import type { MediaSpec } from '../media/media-cache';
import { explicitImageSize, videoSize } from '../media/media-size';
import { fileUrl, type SimContext } from '../sim-context';
import type { SimTask, TaskOutcome } from '../task-store';
import { describeIssues } from './zod-issues';

/** PiAPI's unified task API (research/providers.md §1): one envelope for every model. */

const CreateTaskSchema = z.object({
  model: z.string().min(1),
  task_type: z.string().min(1),
  input: z.looseObject({ prompt: z.string().trim().min(1, 'input.prompt is required') }),
  config: z
    .looseObject({
      service_mode: z.string().optional(),
      webhook_config: z.looseObject({ endpoint: z.string().optional(), secret: z.string().optional() }).optional(),
    })
    .optional(),
});
type CreateTask = z.infer<typeof CreateTaskSchema>;

interface PiapiModel {
  provider: ProviderName;
  taskType: string;
  kind: 'video' | 'image';
}

/** The model's row in the rule table (src/catalog/limits/piapi.ts), once the request passed it. */
function modelOf(body: CreateTask): PiapiModel | undefined {
  const rule = PIAPI_RULES.find((row) => row.model === body.model && row.taskType === body.task_type);
  return rule && { provider: rule.provider, taskType: rule.taskType, kind: rule.makes };
}

export function registerPiapiRoutes(app: FastifyInstance, context: SimContext): void {
  app.post('/api/v1/task', async (request, reply) => {
    if (!authorized(request)) return unauthorized(reply);
    const parsed = CreateTaskSchema.safeParse(request.body);
    if (!parsed.success) return badRequest(reply, `invalid request: ${describeIssues(parsed.error)}`);
    const body = parsed.data;
    // What PiAPI refuses (unknown model/version/mode/task_type, sizes, durations, prompt lengths):
    // one rule table shared with the adapter that builds these requests.
    const violation = checkPiapiCreate(body);
    if (violation) return badRequest(reply, `invalid request: ${violation.message}`);
    const model = modelOf(body);
    if (model === undefined) return badRequest(reply, `model '${body.model}' is not supported`);
    const result = submitGeneration(context, {
      api: 'piapi',
      provider: model.provider,
      prompt: body.input.prompt,
      request: body,
      media: [mediaSpec(body, model)],
    });
    if (result.kind === 'fault') return answerTransportFault(context, result.fault, reply, errorBody);
    const webhook = body.config?.webhook_config;
    if (webhook?.endpoint) {
      // PiAPI POSTs { timestamp, data: <the get-task data> } and sends the secret as
      // x-webhook-secret (piapi.ai/docs/unified-webhook).
      const task = result.task;
      context.callbacks.whenEnded(task, webhook.endpoint, (outcome) => ({
        body: { timestamp: Math.floor(Date.now() / 1000), data: taskData(context, task, body, outcome) },
        headers: webhook.secret ? { 'x-webhook-secret': webhook.secret } : undefined,
      }));
    }
    return { code: 200, message: 'success', data: taskData(context, result.task, body, { state: 'queued', progress: 0 }) };
  });

  app.get<{ Params: { id: string } }>('/api/v1/task/:id', async (request, reply) => {
    if (!authorized(request)) return unauthorized(reply);
    const task = context.tasks.get('piapi', request.params.id);
    if (task === undefined) return notFound(reply, request.params.id);
    const body = task.request as CreateTask;
    context.counts.count(task.provider, 'polls');
    const outcome = await context.tasks.outcome(task);
    return { code: 200, message: 'success', data: taskData(context, task, body, outcome) };
  });

  const cancel = async (request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply) => {
    if (!authorized(request)) return unauthorized(reply);
    const task = context.tasks.get('piapi', request.params.id);
    if (task === undefined) return notFound(reply, request.params.id);
    context.counts.count(task.provider, 'cancels');
    if (task.cancelled || context.tasks.phase(task) !== 'queued') {
      return badRequest(reply, `task ${task.id} is no longer pending and cannot be canceled`);
    }
    task.cancelled = true;
    return { code: 200, message: `task ${task.id} canceled` };
  };
  app.delete('/api/v1/task/:id', cancel);
  // PiAPI's own CLI cancels this way; the docs use DELETE. Both work here.
  app.post('/api/v1/task/:id/cancel', cancel);
}

function mediaSpec(body: CreateTask, model: PiapiModel): MediaSpec {
  const input = body.input;
  if (model.kind === 'image') {
    const size = explicitImageSize(input.width, input.height, { width: 1024, height: 1024 });
    return { prompt: input.prompt, kind: 'image', ...size, durationSeconds: 0 };
  }
  return {
    prompt: input.prompt,
    kind: 'video',
    ...videoSize(input.aspect_ratio ?? '16:9'),
    durationSeconds: durationSeconds(input.duration),
  };
}

const STATUS: Record<TaskOutcome['state'], string> = {
  queued: 'pending',
  running: 'processing',
  succeeded: 'completed',
  refused: 'failed',
  failed: 'failed',
  cancelled: 'failed',
};

function taskData(context: SimContext, task: SimTask, body: CreateTask, outcome: TaskOutcome) {
  const started = outcome.state !== 'queued';
  const ended = outcome.state !== 'queued' && outcome.state !== 'running';
  return {
    task_id: task.id,
    model: body.model,
    task_type: body.task_type,
    status: STATUS[outcome.state],
    config: {
      service_mode: body.config?.service_mode ?? 'public',
      webhook_config: { endpoint: body.config?.webhook_config?.endpoint ?? '', secret: body.config?.webhook_config?.secret ?? '' },
    },
    input: body.input,
    output: outcome.state === 'succeeded' ? output(context, task, body) : pendingOutput(task, outcome),
    meta: {
      created_at: goTime(task.createdAt),
      started_at: started ? goTime(new Date(task.createdAt.getTime() + task.latencyMs / 3)) : GO_ZERO_TIME,
      ended_at: ended ? goTime(new Date(task.createdAt.getTime() + task.latencyMs)) : GO_ZERO_TIME,
      usage: { type: 'point', frozen: 0, consume: ended ? 1_000_000 : 0 },
      is_using_private_pool: false,
    },
    detail: null,
    logs: [],
    error: taskError(outcome),
  };
}

function output(context: SimContext, task: SimTask, body: CreateTask) {
  const url = fileUrl(context, context.tasks.fileName(task, 0));
  const { width, height, durationSeconds: seconds } = task.media[0];
  switch (task.provider) {
    case 'kling': {
      // Kling 3.0 and later answer a bare URL; older versions the works[] list plus video_url.
      if (isKlingThreeOrLater(body.input.version)) return { video: url };
      const video = {
        resource: url,
        resource_without_watermark: url,
        width,
        height,
        duration: seconds * 1000,
      };
      return { type: 'm2v_txt2video', status: 99, video_url: url, works: [{ status: 99, type: 'm2v_txt2video', video }] };
    }
    case 'luma':
      return { video: { url, width, height }, video_raw: { url, width, height } };
    case 'hailuo':
      return { video_url: url, download_url: url, cover_url: '', percent: 100, status: 2, width, height, message: '' };
    default:
      return { image_url: url, image_base64: '' };
  }
}

/** Hailuo fills its output with zero values while it works; the others leave it null. */
function pendingOutput(task: SimTask, outcome: TaskOutcome) {
  if (task.provider !== 'hailuo') return null;
  const percent = outcome.state === 'running' || outcome.state === 'queued' ? Math.round(outcome.progress * 100) : 0;
  return { video_url: '', download_url: '', cover_url: '', percent, status: 0, width: 0, height: 0, message: '' };
}

function taskError(outcome: TaskOutcome) {
  if (outcome.state === 'refused') {
    return {
      code: 10000,
      raw_message: 'The prompt was flagged by the content moderation system',
      message: 'content moderation: prompt refused',
      detail: null,
    };
  }
  if (outcome.state === 'failed') return { code: 10000, raw_message: outcome.message, message: outcome.message, detail: null };
  if (outcome.state === 'cancelled') {
    return { code: 10000, raw_message: 'task canceled by user', message: 'task canceled', detail: null };
  }
  return { code: 0, raw_message: '', message: '', detail: null };
}

function isKlingThreeOrLater(version: unknown): boolean {
  const major = typeof version === 'string' || typeof version === 'number' ? Number.parseFloat(String(version)) : NaN;
  return Number.isFinite(major) && major >= 3;
}

const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

function goTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function authorized(request: FastifyRequest): boolean {
  const key = request.headers['x-api-key'];
  return typeof key === 'string' && key.trim() !== '';
}

export function errorBody(status: number, message: string) {
  return { code: status, message, data: null };
}

function unauthorized(reply: FastifyReply) {
  return reply.code(401).send(errorBody(401, 'Invalid API key: send it in the X-API-Key header'));
}

function badRequest(reply: FastifyReply, message: string) {
  return reply.code(400).send(errorBody(400, message));
}

function notFound(reply: FastifyReply, id: string) {
  return reply.code(404).send(errorBody(404, `task ${id} not found`));
}
