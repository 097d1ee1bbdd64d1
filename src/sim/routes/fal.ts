import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { editEndpoint } from '../../catalog/edits';
import { checkFalKontext, checkFalSchnell, FAL_KONTEXT, FAL_SCHNELL } from '../../catalog/limits/fal';
import { editedMedia, readEditSource, rememberEdit } from '../edit-source';
import type { MediaSpec } from '../media/media-cache';
import { answerTransportFault, submitGeneration } from '../generation';
import { seedOf } from '../media/prompt-look';
import { falImageSize, isFalImageSizeName } from '../media/media-size';
import { fileUrl, type SimContext } from '../sim-context';
import type { SimTask, TaskOutcome } from '../task-store';

/**
 * fal.ai's queue (research/providers.md §3) under /fal/queue/: the adapter rewrites
 * `https://queue.fal.run/` to `<sim>/fal/queue/` in @fal-ai/client's requestMiddleware. The client
 * builds status, result and cancel URLs itself from owner/app (never the sub-path), and the URLs
 * this route hands back point at the real host, so both ways of calling arrive here once rewritten.
 *
 * Moderation refusals surface where the real queue reports them: the request is accepted and
 * completes, and fetching its result answers 422 content_policy_violation. A body without a
 * prompt is refused at submission with the same 422 validation shape.
 */

const REAL_QUEUE_HOST = 'https://queue.fal.run';
const EDIT_DATA_URI_MAX_BYTES = editEndpoint('falai', 'image')?.dataUriMaxBytes ?? 0;
const NAMESPACES = new Set(['workflows', 'comfy']);

const SubmitSchema = z.looseObject({
  prompt: z.string().trim().min(1),
  image_size: z
    .union([
      z.string().refine(isFalImageSizeName, 'unknown image_size name'),
      z.object({ width: z.number().int().min(16).max(2048), height: z.number().int().min(16).max(2048) }),
    ])
    .optional(),
  num_images: z.number().int().min(1).max(4).optional(),
  seed: z.number().int().optional(),
});

interface FalRequest extends Record<string, unknown> {
  app: string;
  endpoint: string;
  input: z.infer<typeof SubmitSchema>;
}

type Route =
  | { kind: 'submit'; app: string; endpoint: string }
  | { kind: 'request'; app: string; requestId: string; action: 'result' | 'status' | 'cancel' | 'other' };

export function registerFalRoutes(app: FastifyInstance, context: SimContext): void {
  app.post('/fal/queue/*', async (request, reply) => {
    if (!authorized(request)) return unauthorized(reply);
    const route = parseRoute(request);
    if (route?.kind !== 'submit') return notFound(reply);
    // flux/schnell's and kontext's input schemas (one rule table with the adapter); other apps keep the loose check.
    const body = (request.body ?? {}) as Record<string, unknown>;
    if (route.endpoint === FAL_SCHNELL.endpoint || route.endpoint === FAL_KONTEXT.endpoint) {
      const detail = route.endpoint === FAL_SCHNELL.endpoint ? checkFalSchnell(body) : checkFalKontext(body);
      if (detail.length > 0) return reply.code(422).send({ detail });
    }
    const edit = route.endpoint === FAL_KONTEXT.endpoint ? await kontextMedia(context, body) : undefined;
    if (edit !== undefined && !edit.ok) return reply.code(422).send({ detail: [edit.detail] });
    const parsed = SubmitSchema.safeParse(request.body ?? {});
    if (!parsed.success) {
      const detail = parsed.error.issues.map((issue) => ({
        loc: ['body', ...issue.path.map(String)],
        msg: issue.message,
        type: issue.code === 'invalid_type' && issue.input === undefined ? 'missing' : 'value_error',
      }));
      return reply.code(422).send({ detail });
    }
    const input = parsed.data;
    const size = falImageSize(input.image_size);
    const falRequest: FalRequest = { app: route.app, endpoint: route.endpoint, input };
    const result = submitGeneration(context, {
      api: 'fal',
      provider: 'falai',
      prompt: input.prompt,
      request: falRequest,
      media: edit?.ok
        ? [edit.media]
        : Array.from({ length: input.num_images ?? 1 }, (_, index) => ({
            prompt: index === 0 ? input.prompt : `${input.prompt}\u0000variant ${index}`,
            kind: 'image' as const,
            ...size,
            durationSeconds: 0,
          })),
    });
    if (result.kind === 'fault') return answerTransportFault(context, result.fault, reply, errorBody);
    const webhook = (request.query as Record<string, unknown>).fal_webhook;
    if (typeof webhook === 'string' && webhook !== '') {
      const task = result.task;
      context.callbacks.whenEnded(task, webhook, (outcome) => ({ body: callbackBody(context, task, outcome) }));
    }
    reply.header('x-fal-request-id', result.task.id);
    return { status: 'IN_QUEUE', request_id: result.task.id, queue_position: 0, ...queueUrls(route.app, result.task.id) };
  });

  app.get('/fal/queue/*', async (request, reply) => {
    if (!authorized(request)) return unauthorized(reply);
    const route = parseRoute(request);
    if (route?.kind !== 'request' || (route.action !== 'status' && route.action !== 'result')) return notFound(reply);
    const task = findTask(context, route.app, route.requestId);
    if (task === undefined) return notFound(reply, `Request ${route.requestId} not found`);
    context.counts.count('falai', 'polls');
    reply.header('x-fal-request-id', task.id);
    const withLogs = (request.query as Record<string, unknown>).logs === '1';
    return route.action === 'status' ? status(context, task, route.app, withLogs, reply) : result(context, task, reply);
  });

  app.put('/fal/queue/*', async (request, reply) => {
    if (!authorized(request)) return unauthorized(reply);
    const route = parseRoute(request);
    if (route?.kind !== 'request' || route.action !== 'cancel') return notFound(reply);
    const task = findTask(context, route.app, route.requestId);
    if (task === undefined) return notFound(reply, `Request ${route.requestId} not found`);
    context.counts.count('falai', 'cancels');
    const phase = context.tasks.phase(task);
    if (task.cancelled || phase === 'queued') {
      task.cancelled = true;
      return reply.code(202).send({ status: 'CANCELLATION_REQUESTED' });
    }
    return reply.code(400).send({ status: phase === 'done' ? 'ALREADY_COMPLETED' : 'IN_PROGRESS' });
  });
}

/** COMPLETED only once the bytes exist, so the result's URLs always answer. */
async function status(context: SimContext, task: SimTask, app: string, withLogs: boolean, reply: FastifyReply) {
  const urls = queueUrls(app, task.id);
  const outcome = await context.tasks.outcome(task);
  if (outcome.state === 'queued') return reply.code(202).send({ status: 'IN_QUEUE', queue_position: 0, ...urls });
  const logs = withLogs ? [{ message: 'Generating image', level: 'INFO', source: 'user', timestamp: task.createdAt.toISOString() }] : null;
  if (outcome.state === 'running') return reply.code(202).send({ status: 'IN_PROGRESS', logs, ...urls });
  return reply.code(200).send({ status: 'COMPLETED', logs, metrics: { inference_time: task.latencyMs / 1000 }, ...urls });
}

async function result(context: SimContext, task: SimTask, reply: FastifyReply) {
  const answer = resultAnswer(context, task, await context.tasks.outcome(task));
  if (answer.retryable === false) reply.header('x-fal-retryable', 'false');
  return reply.code(answer.status).send(answer.body);
}

/** What GET …/requests/<id> answers for the outcome: the result, or the request's error. */
function resultAnswer(
  context: SimContext,
  task: SimTask,
  outcome: TaskOutcome,
): { status: number; body: unknown; retryable?: boolean } {
  const input = (task.request as FalRequest).input;
  switch (outcome.state) {
    case 'queued':
    case 'running':
      return { status: 400, body: { detail: 'Request is still in progress' } };
    case 'cancelled':
      return { status: 400, body: { detail: 'Request was cancelled', error_type: 'client_cancelled' } };
    case 'refused':
      return {
        status: 422,
        retryable: false,
        body: {
          detail: [
            {
              loc: ['body', 'prompt'],
              msg: 'The content could not be processed because it contained material flagged by a content checker.',
              type: 'content_policy_violation',
              url: 'https://docs.fal.ai/errors#content_policy_violation',
              input: input.prompt,
            },
          ],
        },
      };
    case 'failed':
      return { status: 500, body: { detail: outcome.message, error_type: 'internal_error' } };
    case 'succeeded':
      return {
        status: 200,
        body: {
          images: outcome.files.map((file, index) => ({
            url: fileUrl(context, context.tasks.fileName(task, index)),
            width: file.width,
            height: file.height,
            content_type: file.contentType,
          })),
          seed: input.seed ?? seedOf(input.prompt) % 2_147_483_647,
          has_nsfw_concepts: outcome.files.map(() => false),
          prompt: input.prompt,
          timings: { inference: task.latencyMs / 1000 },
        },
      };
  }
}

/**
 * fal's webhook body: `{ request_id, gateway_request_id, status: "OK", payload: <result> }`, or
 * status "ERROR" with `error: "Invalid status code: <n>"` and the error body as payload
 * (docs.fal.ai/model-endpoints/webhooks).
 */
function callbackBody(context: SimContext, task: SimTask, outcome: TaskOutcome) {
  const answer = resultAnswer(context, task, outcome);
  const ids = { request_id: task.id, gateway_request_id: task.id };
  if (answer.status === 200) return { ...ids, status: 'OK', payload: answer.body };
  return { ...ids, status: 'ERROR', error: `Invalid status code: ${answer.status}`, payload: answer.body };
}

/**
 * The edit a kontext request asks for: its image read as fal reads `image_url` (a URL it
 * downloads, or a data URI), or the 422 fal answers when it cannot get the file.
 */
async function kontextMedia(context: SimContext, body: Record<string, unknown>): Promise<{ ok: true; media: MediaSpec } | { ok: false; detail: unknown }> {
  const source = await readEditSource(context, String(body.image_url), EDIT_DATA_URI_MAX_BYTES);
  if (!source.ok) {
    return { ok: false, detail: { loc: ['body', 'image_url'], msg: `Failed to download the file: ${source.message}`, type: 'file_download_error', input: '<image_url>' } };
  }
  if (!source.mediaType.startsWith('image/')) {
    return { ok: false, detail: { loc: ['body', 'image_url'], msg: `Unsupported file type ${source.mediaType}: an image is required`, type: 'file_type_error', input: '<image_url>' } };
  }
  const media = editedMedia(context, source, {
    provider: 'falai',
    instruction: String(body.prompt),
    kind: 'image',
    fallback: { width: 1024, height: 768, durationSeconds: 0 },
  });
  await rememberEdit(context, source, media);
  return { ok: true, media };
}

/** owner/app[/path] submits; owner/app/requests/<id>[/status|/cancel] reads or cancels one request. */
function parseRoute(request: FastifyRequest): Route | undefined {
  const rest = (request.params as { '*'?: string })['*'] ?? '';
  const segments = rest.split('/').filter((segment) => segment !== '');
  const appLength = NAMESPACES.has(segments[0] ?? '') ? 3 : 2;
  if (segments.length < appLength) return undefined;
  const app = segments.slice(0, appLength).join('/');
  if (segments[appLength] === 'requests' && segments.length > appLength + 1) {
    const tail = segments.slice(appLength + 2).join('/');
    const action = tail === '' ? 'result' : tail === 'status' ? 'status' : tail === 'cancel' ? 'cancel' : 'other';
    return { kind: 'request', app, requestId: segments[appLength + 1], action };
  }
  return { kind: 'submit', app, endpoint: segments.join('/') };
}

/** A request is found only under the owner/app it was submitted to, as on the real queue. */
function findTask(context: SimContext, app: string, requestId: string): SimTask | undefined {
  const task = context.tasks.get('fal', requestId);
  return task !== undefined && (task.request as FalRequest).app === app ? task : undefined;
}

function queueUrls(app: string, requestId: string) {
  const base = `${REAL_QUEUE_HOST}/${app}/requests/${requestId}`;
  return { response_url: base, status_url: `${base}/status`, cancel_url: `${base}/cancel` };
}

function authorized(request: FastifyRequest): boolean {
  const authorization = request.headers.authorization;
  return typeof authorization === 'string' && /^Key\s+\S+/.test(authorization);
}

function unauthorized(reply: FastifyReply) {
  return reply.code(401).send({ detail: 'Unauthorized: send Authorization: Key <FAL_KEY>' });
}

function notFound(reply: FastifyReply, detail = 'Not Found') {
  return reply.code(404).send({ detail });
}

export function errorBody(status: number, message: string) {
  const errorType =
    status === 429 ? 'rate_limited' : status === 504 ? 'request_timeout' : status >= 500 ? 'internal_error' : 'bad_request';
  return { detail: message, error_type: errorType };
}
