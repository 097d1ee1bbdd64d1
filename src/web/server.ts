import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { HttpError } from './http-error';
import { registerAssetRoute } from './asset-route';
import type { AssetStore } from '../storage/asset-store';
import { answerFrameworkError, answerNotFound, installErrorHandling } from './error-handling';
import { registerHealthRoute } from './health-route';
import { registerInsightsRoutes } from './insights-routes';
import { registerReviewQueueRoutes } from './review-queue-routes';
import { createReviewerAuthenticator, type ReviewerCredential } from './reviewer-auth';
import { registerSceneRoutes } from './scene-routes';
import type { WebDeps } from './web-deps';
import { registerWebhookRoute } from './webhook-route';
import { registerOpenApi } from './openapi/register-openapi';
import { ROUTE_SCHEMAS } from './openapi/route-schemas';
import { startReconciler } from './review-entry-reconciler';
import { registerReviewUi, type ReviewUiOptions } from './serve-ui';
import { DEFAULT_RECONCILE_PASS_TIMEOUT_MS, DEFAULT_TEMPORAL_CALL_TIMEOUT_MS } from '../config';

declare module 'fastify' {
  interface FastifyRequest {
    /** The reviewer the bearer token belongs to; set on every /api request. */
    reviewer: string;
    /** The projects the token reaches; undefined: every project. */
    projectScope: readonly number[] | undefined;
  }
}

export interface WebServerDeps extends WebDeps {
  /** The asset store (src/storage/open-asset-store.ts), served under /assets/<key>. */
  assets: AssetStore;
  /** Every token the API accepts and the reviewer each one acts as. */
  reviewers: readonly ReviewerCredential[];
  /** fastify's logger option: false (the default) for none, or pino options. */
  logger?: FastifyServerOptions['logger'];
  /** Largest request body accepted; the API's bodies are a few kilobytes at most. */
  bodyLimitBytes?: number;
  /** Serve the review page at / and /ui/ (src/ui). */
  reviewUi?: ReviewUiOptions;
  /**
   * How often the server closes queue entries whose run was terminated or reset
   * (src/web/review-entry-reconciler.ts); absent or 0: never (tests that seed entries of
   * made-up runs), the processes that serve people pass DEFAULT_RECONCILE_EVERY_MS.
   */
  reconcileEveryMs?: number;
  /** The deadline of each of the reconciler's calls to Temporal (TEMPORAL_CALL_TIMEOUT_MS); default DEFAULT_TEMPORAL_CALL_TIMEOUT_MS. */
  temporalCallTimeoutMs?: number;
  /** The longest one reconciler pass runs before the next starts anyway; default DEFAULT_RECONCILE_PASS_TIMEOUT_MS. */
  reconcilePassTimeoutMs?: number;
  /** Requests each token may make per window before it gets 429; default 600 a minute. */
  rateLimit?: { max: number; windowMs: number };
  /** PROVIDER_WEBHOOKS' secret: when set, providers' callbacks are taken at /webhooks/generation/<provider>. */
  webhookSecret?: string;
}

const DEFAULT_RATE_LIMIT = { max: 600, windowMs: 60_000 } as const;

export const DEFAULT_RECONCILE_EVERY_MS = 30_000;

const DEFAULT_BODY_LIMIT_BYTES = 64 * 1024;

/** The HTTP API of CONTRACT.md, stored assets and a health check. Does not listen: the caller does. */
export function buildWebServer(deps: WebServerDeps): FastifyInstance {
  const authenticate = createReviewerAuthenticator(deps.reviewers);
  const app = Fastify({
    logger: deps.logger ?? false,
    bodyLimit: deps.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES,
    frameworkErrors: (error, request, reply) => answerFrameworkError(error, request, reply),
  });
  installErrorHandling(app);
  registerHealthRoute(app, deps.db);
  registerAssetRoute(app, deps.assets);
  if (deps.reviewUi) registerReviewUi(app, deps.reviewUi);
  // Outside /api: a provider has no reviewer's token, and the per-token rate limit is not its.
  if (deps.webhookSecret) registerWebhookRoute(app, { temporal: deps.temporal, secret: deps.webhookSecret });
  registerOpenApi(app);

  void app.register(
    async (api) => {
      // The routes' schemas describe them for the document; the handlers parse with the zod
      // schemas those were made from, and answer with JSON.stringify as before.
      api.setValidatorCompiler(() => () => true);
      api.setSerializerCompiler(() => (data) => JSON.stringify(data));
      api.decorateRequest('reviewer', '');
      api.decorateRequest('projectScope', undefined);
      // onRequest runs before the body is read, so an unauthenticated caller cannot make us parse it.
      api.addHook('onRequest', async (request) => {
        const caller = authenticate(request);
        request.reviewer = caller.reviewer;
        request.projectScope = caller.projects;
      });
      // Counted per token (its reviewer's name), after the token is known: an unauthenticated
      // caller is refused before it can use up someone's allowance.
      const limit = deps.rateLimit ?? DEFAULT_RATE_LIMIT;
      await api.register(rateLimit, {
        hook: 'preHandler',
        max: limit.max,
        timeWindow: limit.windowMs,
        keyGenerator: (request) => `reviewer:${request.reviewer}`,
        errorResponseBuilder: (_request, context) =>
          new HttpError(429, `Too many requests for this token: retry in ${context.after}`),
      });
      registerSceneRoutes(api, deps);
      registerReviewQueueRoutes(api, deps);
      registerInsightsRoutes(api, deps);
      api.get('/openapi.json', { schema: ROUTE_SCHEMAS.openapi }, async () => app.swagger());
      // Declared here too so unknown /api paths pass the token check before answering 404.
      api.setNotFoundHandler(answerNotFound);
    },
    { prefix: '/api' },
  );
  const reconcileEveryMs = deps.reconcileEveryMs ?? 0;
  if (reconcileEveryMs > 0) {
    let stop: (() => Promise<void>) | undefined;
    app.addHook('onReady', async () => {
      stop = startReconciler(deps.db, deps.temporal, app.log, {
        everyMs: reconcileEveryMs,
        callTimeoutMs: deps.temporalCallTimeoutMs ?? DEFAULT_TEMPORAL_CALL_TIMEOUT_MS,
        passTimeoutMs: deps.reconcilePassTimeoutMs ?? DEFAULT_RECONCILE_PASS_TIMEOUT_MS,
        taskQueue: deps.taskQueue,
      });
    });
    app.addHook('onClose', async () => {
      await stop?.();
    });
  }
  return app;
}
