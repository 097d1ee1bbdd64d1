import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errorEnvelope, requestId } from '../judge/messages-response';
import { errorBody as falError } from './fal';
import { errorBody as piapiError } from './piapi';
import { errorBody as runwayError } from './runway';

/**
 * Errors raised before a route runs (malformed JSON, a body over the limit, an unknown path)
 * answered in the dialect of the API the caller meant, so its client reports them sensibly.
 */
export function registerErrorBodies(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode !== undefined && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) request.log.error({ err: error }, 'simulator route failed');
    const message = status >= 500 ? `simulator error: ${error.message}` : error.message;
    return sendError(request, reply, status, message);
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(request, reply, 404, `no simulated route for ${request.method} ${request.url.split('?')[0]}`),
  );
}

function sendError(request: FastifyRequest, reply: FastifyReply, status: number, message: string) {
  const path = request.url.split('?')[0];
  if (path === '/v1/messages') {
    const type =
      status === 413 ? 'request_too_large' : status === 404 ? 'not_found_error' : status >= 500 ? 'api_error' : 'invalid_request_error';
    return reply.code(status).send(errorEnvelope(type, message, requestId()));
  }
  if (path.startsWith('/api/v1/')) return reply.code(status).send(piapiError(status, message));
  if (path.startsWith('/fal/')) return reply.code(status).send(falError(status, message));
  if (path.startsWith('/v1/')) return reply.code(status).send(runwayError(status, message));
  return reply.code(status).send({ error: message });
}
