import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { isProviderName, type ProviderName } from '../domain/provider';
import { CALLBACK_PATH, callbackDialect, callbackToken, sameToken, type CallbackDialect } from '../providers/callbacks';
import { generationCallbackSignal } from '../../workflows/messages';
import { HttpError } from './http-error';
import { translateTemporalFailure } from './temporal-failures';

/**
 * PiAPI's callback: `{ timestamp, data: <the get-task data> }` with the secret we gave it in
 * x-webhook-secret (piapi.ai/docs/unified-webhook). Newer docs say it also calls on creation and
 * progress: only a task that ended is worth a look.
 */
const PiapiCallbackSchema = z.object({
  data: z.looseObject({ task_id: z.string().min(1), status: z.string() }),
});
const PIAPI_ENDED = new Set(['completed', 'failed', 'cancelled', 'canceled']);

/**
 * fal's callback: `{ request_id, status: "OK" | "ERROR", payload, ... }`, sent once the request
 * ended (docs.fal.ai/model-endpoints/webhooks).
 */
const FalCallbackSchema = z.looseObject({ request_id: z.string().min(1), status: z.string() });

const QuerySchema = z.object({ workflowId: z.string().min(1).max(1000), token: z.string().min(1).max(200) });

/**
 * fal's payload carries the whole output and PiAPI's the whole task: more than the API's bodies.
 * Still bounded, since anyone may send one before the token is checked.
 */
const CALLBACK_BODY_LIMIT_BYTES = 1024 * 1024;

export interface WebhookRouteDeps {
  temporal: Client;
  secret: string;
}

/**
 * `POST /webhooks/generation/:provider`: a provider saying a task ended. Authenticated by the
 * token in its URL (src/providers/callbacks.ts), not by a reviewer's bearer token, and outside
 * /api, so the per-reviewer rate limit does not apply. The answer is quick: it signals the waiting
 * workflow (generationCallback), which looks at the task itself; nothing in the body is trusted.
 */
export function registerWebhookRoute(app: FastifyInstance, deps: WebhookRouteDeps): void {
  app.post<{ Params: { provider: string } }>(
    `${CALLBACK_PATH}/:provider`,
    { bodyLimit: CALLBACK_BODY_LIMIT_BYTES },
    async (request, reply) => {
      const provider = request.params.provider;
      const dialect = isProviderName(provider) ? callbackDialect(provider) : undefined;
      if (!isProviderName(provider) || dialect === undefined) throw new HttpError(404, 'No callbacks for this provider');
      const workflowId = verify(request, provider, dialect, deps.secret);
      const taskId = readTaskId(dialect, request.body);
      if (taskId === undefined) return reply.code(200).send({ ok: true, signalled: false });
      return signal(deps.temporal, request, reply, { provider, workflowId, taskId });
    },
  );
}

/** The workflow the URL names, once its token (and PiAPI's header) proves the provider got it from us. */
function verify(request: FastifyRequest, provider: ProviderName, dialect: CallbackDialect, secret: string): string {
  const query = QuerySchema.safeParse(request.query);
  if (!query.success) throw new HttpError(401, 'Missing or invalid callback token');
  const { workflowId, token } = query.data;
  const expected = callbackToken(secret, provider, workflowId);
  if (!sameToken(token, expected)) throw new HttpError(401, 'Missing or invalid callback token');
  if (dialect === 'piapi') {
    const header = request.headers['x-webhook-secret'];
    if (!sameToken(typeof header === 'string' ? header : undefined, expected)) {
      throw new HttpError(401, 'Missing or invalid x-webhook-secret');
    }
  }
  return workflowId;
}

/** The ended task's id; undefined for a PiAPI call about a task still running; 400 for a body of neither shape. */
function readTaskId(dialect: CallbackDialect, body: unknown): string | undefined {
  if (dialect === 'piapi') {
    const parsed = PiapiCallbackSchema.safeParse(body);
    if (!parsed.success) throw new HttpError(400, 'Expected PiAPI callback { timestamp, data: { task_id, status } }');
    return PIAPI_ENDED.has(parsed.data.data.status.toLowerCase()) ? parsed.data.data.task_id : undefined;
  }
  const parsed = FalCallbackSchema.safeParse(body);
  if (!parsed.success) throw new HttpError(400, 'Expected fal callback { request_id, status, payload }');
  return parsed.data.request_id;
}

async function signal(
  temporal: Client,
  request: FastifyRequest,
  reply: FastifyReply,
  callback: { provider: ProviderName; workflowId: string; taskId: string },
) {
  try {
    await temporal.workflow.getHandle(callback.workflowId).signal(generationCallbackSignal, { taskId: callback.taskId });
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) {
      // The round ended (or was never ours): nothing waits. 200, or the provider retries for hours.
      request.log.info({ ...callback }, 'provider callback for a workflow that is not running; ignored');
      return reply.code(200).send({ ok: true, signalled: false });
    }
    // Temporal unavailable: 503 so the provider may try again; polling finds the task regardless.
    throw translateTemporalFailure(error);
  }
  request.log.info({ ...callback }, 'provider callback: the waiting workflow was signalled');
  return reply.code(200).send({ ok: true, signalled: true });
}
