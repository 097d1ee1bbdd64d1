import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BadCursorError } from '../db/queries';
import { HttpError } from './http-error';

/**
 * Every error leaves as JSON `{ error }`. Our own HttpErrors and fastify's client errors (bad
 * JSON, body too large, wrong media type) keep their status and message; anything else is a
 * fault of ours, logged in full and answered with a generic message, never a stack trace.
 */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    // A page cursor that is not one this API handed out: the caller's mistake, named by its field.
    if (error instanceof BadCursorError) return reply.code(400).send({ error: `query.cursor: ${error.message}` });
    if (error instanceof HttpError) {
      if (error.statusCode >= 500) request.log.warn({ statusCode: error.statusCode, reason: error.message }, 'request failed');
      return reply.code(error.statusCode).send({ error: error.message });
    }
    const statusCode = clientErrorStatus(error);
    if (statusCode !== undefined) {
      return reply.code(statusCode).send({ error: error instanceof Error ? error.message : 'Bad request' });
    }
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send({ error: 'Internal server error' });
  });

  app.setNotFoundHandler(answerNotFound);
}

export function answerNotFound(request: FastifyRequest, reply: FastifyReply): void {
  void reply.code(404).send({ error: `No route for ${request.method} ${pathOf(request.url)}` });
}

function clientErrorStatus(error: unknown): number | undefined {
  const statusCode = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500 ? statusCode : undefined;
}

/** The path without its query, cut short: the answer must not echo arbitrary input at length. */
function pathOf(url: string): string {
  const path = url.split('?')[0];
  return path.length > 200 ? `${path.slice(0, 200)}…` : path;
}

/**
 * For the URLs fastify refuses before routing (a segment over the length limit, bad percent
 * encoding), whose default answer has a shape of its own and echoes the URL back.
 */
export function answerFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  switch (error.code) {
    case 'FST_ERR_MAX_PARAM_LENGTH':
      void reply.code(414).send({ error: 'A path segment is too long' });
      return;
    case 'FST_ERR_BAD_URL':
      void reply.code(400).send({ error: 'Malformed URL' });
      return;
    default:
      request.log.error({ err: error }, 'request failed before routing');
      void reply.code(500).send({ error: 'Internal server error' });
  }
}
