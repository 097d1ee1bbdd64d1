import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { DELIVERY_HEADERS, NOTIFICATION_EVENTS, type NotificationEvent } from '../../domain/notifications';
import apiSchemas from './api-schemas.json';
import type { DocumentedType } from './documented-types';

/** Each event's body among the components (src/web/openapi/documented-types.ts). */
const EVENT_BODIES: Record<NotificationEvent, DocumentedType> = {
  'scene.escalated': 'SceneEscalatedBody',
  'scene.decided': 'SceneDecidedBody',
  'round.ended': 'RoundEndedBody',
  'review.reminder': 'ReviewReminderBody',
  'audit.requested': 'AuditRequestedBody',
};

/**
 * Collects every route registered after it, with its schema, into an OpenAPI 3.1 document
 * (@fastify/swagger), served by the route ROUTE_SCHEMAS.openapi describes. The outgoing webhooks
 * are the document's `webhooks`: what a receiver is sent, one entry per event. Register it before
 * the routes it is to see.
 */
export function registerOpenApi(app: FastifyInstance): void {
  void app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Scene regeneration API',
        version: '1',
        description:
          'Every /api route needs `Authorization: Bearer <token>`. Outgoing webhooks (NOTIFY_WEBHOOK_URLS) are ' +
          'POSTed as the `webhooks` below describe, signed with NOTIFY_WEBHOOK_SECRET.',
      },
      components: {
        schemas: apiSchemas as Record<string, object>,
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      },
      security: [{ bearer: [] }],
      webhooks: Object.fromEntries(NOTIFICATION_EVENTS.map((event) => [event, webhookOperation(event)])),
    },
  });
}

function webhookOperation(event: NotificationEvent) {
  const header = (name: string, description: string) => ({ name, in: 'header', required: true, description, schema: { type: 'string' as const } });
  return {
    post: {
      summary: `${event}, sent to every receiver of NOTIFY_WEBHOOK_URLS that takes it`,
      parameters: [
        header(DELIVERY_HEADERS.delivery, 'The delivery id, the same in every retry: de-duplicate on it'),
        header(DELIVERY_HEADERS.timestamp, 'Unix seconds of this send'),
        header(
          DELIVERY_HEADERS.signature,
          'sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>" with NOTIFY_WEBHOOK_SECRET>; a URL with ?format=slack gets { text } instead of this body',
        ),
      ],
      requestBody: {
        required: true,
        content: { 'application/json': { schema: { $ref: `#/components/schemas/${EVENT_BODIES[event]}` } } },
      },
      responses: {
        '2XX': { description: 'Delivered' },
        default: { description: 'Not delivered: sent again with backoff until NOTIFY_GIVE_UP_AFTER' },
      },
    },
  };
}
