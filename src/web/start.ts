import { randomBytes } from 'node:crypto';
import { Connection, type Client } from '@temporalio/client';
import { clientWithDeadlines } from '../temporal/call-deadline';
import type { FastifyInstance } from 'fastify';
import { explainTemporalConnectFailure, type AppConfig } from '../config';
import { redactCallbackToken } from '../providers/callbacks';
import { openDatabase, type Db } from '../db/database';
import { openAssetStore } from '../storage/open-asset-store';
import type { AssetStore } from '../storage/asset-store';
import type { ReviewerCredential } from './reviewer-auth';
import { buildWebServer, DEFAULT_RECONCILE_EVERY_MS } from './server';

export interface RunningWebServer {
  app: FastifyInstance;
  url: string;
  /** Set when no token was configured and one was made for this run. */
  generatedToken?: string;
  /** Stops listening, then closes what this start opened (not what the caller passed in). */
  close(): Promise<void>;
}

/**
 * Opens what the caller did not pass (asset store, database, Temporal connection), builds the
 * server and listens. A process that also runs the worker passes its own store, database and
 * client rather than opening a second of each. The asset store is checked first: a wrong
 * object-store setting stops the start with a line that names it.
 */
export async function startWebServer(
  config: AppConfig,
  shared: { db?: Db; temporal?: Client; assets?: AssetStore } = {},
): Promise<RunningWebServer> {
  const { reviewers, generatedToken } = reviewerCredentials(config);
  const closers: (() => Promise<void>)[] = [];
  try {
    const assets = shared.assets ?? (await openAssetStore(config, { writes: false }));
    let db = shared.db;
    if (db === undefined) {
      db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
      closers.unshift(db.close);
    }
    let temporal = shared.temporal;
    if (temporal === undefined) {
      const connection = await Connection.connect(config.temporal.connection).catch((error: unknown) => {
        throw explainTemporalConnectFailure(error, config.temporal.connection);
      });
      closers.unshift(() => connection.close());
      temporal = clientWithDeadlines(connection, config.temporal.namespace, config.temporal.callTimeoutMs);
    }
    const app = buildWebServer({
      db,
      temporal,
      taskQueue: config.temporal.taskQueue,
      decisionHoldMs: config.decisionHoldMs,
      assets,
      webhookSecret: config.providerWebhooks?.secret,
      reviewers,
      reconcileEveryMs: DEFAULT_RECONCILE_EVERY_MS,
      temporalCallTimeoutMs: config.temporal.callTimeoutMs,
      logger: {
        level: config.logLevel,
        redact: ['req.headers.authorization'],
        // fastify's own request fields, with the token of a provider callback's URL left out.
        serializers: {
          req: (request) => ({
            method: request.method,
            url: redactCallbackToken(request.url),
            host: request.host,
            remoteAddress: request.ip,
            remotePort: request.socket?.remotePort,
          }),
        },
      },
      reviewUi: { temporalUiUrl: config.temporalUiUrl, temporalNamespace: config.temporal.namespace },
    });
    closers.unshift(() => app.close());
    const url = await app.listen({ host: config.host, port: config.port });
    return { app, url, generatedToken, close: () => closeAll(closers) };
  } catch (error) {
    await closeAll(closers);
    throw error;
  }
}

/** REVIEW_API_TOKEN acts as "reviewer", REVIEW_API_TOKENS as named reviewers; neither: a fresh token. */
function reviewerCredentials(config: AppConfig): { reviewers: ReviewerCredential[]; generatedToken?: string } {
  const reviewers: ReviewerCredential[] = config.reviewerTokens.map((token) => ({ ...token }));
  if (config.reviewApiToken) reviewers.push({ reviewer: 'reviewer', token: config.reviewApiToken });
  if (reviewers.length > 0) return { reviewers };
  const generatedToken = randomBytes(24).toString('base64url');
  return { reviewers: [{ reviewer: 'reviewer', token: generatedToken }], generatedToken };
}

async function closeAll(closers: (() => Promise<void>)[]): Promise<void> {
  for (const close of closers.splice(0)) {
    try {
      await close();
    } catch (error) {
      process.stderr.write(`web: while closing: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  }
}
