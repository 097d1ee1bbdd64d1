import type { FastifySchema } from 'fastify';
import { z } from 'zod';
import {
  InsightsQuerySchema,
  RegenerateBodySchema,
  ReviewEntryParamsSchema,
  ReviewQueueQuerySchema,
  SceneListQuerySchema,
  SceneParamsSchema,
} from '../request-schemas';
import type { DocumentedType } from './documented-types';

/*
 * Each route's schema for the API document: its parameters, query and body from the zod schemas
 * the route parses with (src/web/request-schemas.ts), its answers from the TypeScript types it
 * answers with (src/domain/http-api.ts, as api-schemas.json). They describe; the handlers still
 * parse with zod, so a request is checked once and refused with the route's own message.
 */

/** What a string from the URL or a JSON body must look like, as JSON Schema. */
function fromZod(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
  return json;
}

const component = (name: DocumentedType | 'ApiError') => ({ $ref: `#/components/schemas/${name}` });

function answer(description: string, name?: DocumentedType) {
  return name === undefined ? { description } : { description, content: { 'application/json': { schema: component(name) } } };
}

/** What every /api route may answer besides its own. */
const COMMON_ANSWERS = {
  401: answer('No token, or one the server does not know', 'ApiError'),
  429: answer('Too many requests for this token; see Retry-After', 'ApiError'),
  500: answer('A fault of the server, logged there', 'ApiError'),
};

const badRequest = answer('The request does not fit: what is wrong, field by field', 'ApiError');
const notFound = (what: string) => answer(`No such ${what}, or not in the token's projects`, 'ApiError');

export const ROUTE_SCHEMAS = {
  regenerate: {
    summary: 'Start a regeneration round for a scene (manual regeneration)',
    tags: ['scenes'],
    params: fromZod(SceneParamsSchema),
    body: fromZod(RegenerateBodySchema),
    response: {
      202: answer('The round started; it runs on without the request', 'RoundStarted'),
      400: answer('Bad input, or "Scene has not been analyzed yet"', 'ApiError'),
      404: notFound('scene'),
      409: answer('A round is already running for the scene', 'ApiError'),
      ...COMMON_ANSWERS,
    },
  },
  scene: {
    summary: 'A scene: asset, analysis, score, attempts and its outgoing notifications',
    tags: ['scenes'],
    params: fromZod(SceneParamsSchema),
    response: { 200: answer('The scene', 'SceneView'), 400: badRequest, 404: notFound('scene'), ...COMMON_ANSWERS },
  },
  regenerationState: {
    summary: 'Where the scene’s latest round stands (the round’s getRegenerationState query)',
    tags: ['scenes'],
    params: fromZod(SceneParamsSchema),
    response: {
      200: answer('RegenerationState (CONTRACT.md)', 'RegenerationState'),
      400: badRequest,
      404: answer('The scene has no regeneration round', 'ApiError'),
      ...COMMON_ANSWERS,
    },
  },
  cancel: {
    summary: 'Cancel the scene’s running round',
    tags: ['scenes'],
    params: fromZod(SceneParamsSchema),
    response: {
      202: answer('The round was asked to cancel; it records what it spent and ends `cancelled`', 'CancelRequested'),
      400: badRequest,
      404: notFound('scene'),
      409: answer('No round is running for the scene', 'ApiError'),
      ...COMMON_ANSWERS,
    },
  },
  scenes: {
    summary: 'A page of scenes, by id',
    tags: ['scenes'],
    querystring: fromZod(SceneListQuerySchema),
    response: { 200: answer('The page and the cursor of the next', 'ScenePage'), 400: badRequest, ...COMMON_ANSWERS },
  },
  reviewQueue: {
    summary: 'The review queue’s entries, newest first',
    tags: ['review'],
    querystring: fromZod(ReviewQueueQuerySchema),
    response: { 200: answer('The page and the cursor of the next', 'ReviewEntryPage'), 400: badRequest, ...COMMON_ANSWERS },
  },
  decision: {
    summary: 'A reviewer’s decision on a queue entry (the reviewer is the token’s)',
    tags: ['review'],
    params: fromZod(ReviewEntryParamsSchema),
    body: component('DecisionBody'),
    response: {
      200: answer('An audit entry’s verdict, recorded as its label (its round has ended)', 'DecisionAccepted'),
      202: answer('Signalled to the round, which carries it out and closes the entry', 'DecisionAccepted'),
      400: badRequest,
      404: notFound('review entry'),
      409: answer('Already decided, closed, or a decision is being carried out', 'ApiError'),
      ...COMMON_ANSWERS,
    },
  },
  insights: {
    summary: 'Per provider × content type × kind: attempts, pass rate, gain, cost; judge–reviewer agreement',
    tags: ['insights'],
    querystring: fromZod(InsightsQuerySchema),
    response: { 200: answer('The figures', 'InsightsResponse'), 400: badRequest, 404: notFound('project'), ...COMMON_ANSWERS },
  },
  openapi: {
    summary: 'This document',
    tags: ['meta'],
    response: { 200: { description: 'OpenAPI 3.1', content: { 'application/json': { schema: { type: 'object' } } } }, ...COMMON_ANSWERS },
  },
} satisfies Record<string, FastifySchema & { summary: string; tags: string[] }>;
