import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { startStack, type Stack } from '../../src/stack/start-stack';
import { createAssetStore } from '../../src/storage/open-asset-store';
import { registerReviewUi } from '../../src/web/serve-ui';
import { buildWebServer } from '../../src/web/server';
import { testDatabase } from '../db/test-databases';
import { testServer } from '../helpers/temporal';
import { buildReviewPage } from './build-review-page';

export const REVIEWER = 'ana';
export const TOKEN = 'browser-test-token-0123456789';
export const TEMPORAL_UI_URL = 'http://temporal-ui.test:8233';

export interface ReviewStack {
  stack: Stack;
  /** The web server that serves the page, the API and the stored assets. */
  pageUrl: string;
  stop(): Promise<void>;
}

/**
 * The whole product (Temporal, simulator, PostgreSQL, the worker with every real activity) plus
 * the web server with the freshly built review page, over the stack's own database and client.
 */
export async function startReviewStack(env: NodeJS.ProcessEnv = {}): Promise<ReviewStack> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'review-page-'));
  const distDir = path.join(dataDir, 'ui-dist');
  const [server, database] = await Promise.all([testServer(), testDatabase('postgres'), buildReviewPage(distDir)]);
  let stack: Stack | undefined;
  let web: FastifyInstance | undefined;
  const stop = async (): Promise<void> => {
    await web?.close();
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    stack = await startStack({
      env: { ...process.env, DATABASE_URL: database.databaseUrl, REVIEW_API_TOKEN: `${TOKEN}-stack`, ...env },
      dataDir,
      temporalAddress: server.address,
      simulator: 'always',
      webPort: 0,
      taskQueue: `review-page-${randomUUID()}`,
    });
    web = buildWebServer({
      db: stack.db,
      temporal: stack.client,
      taskQueue: stack.config.temporal.taskQueue,
      assets: createAssetStore(stack.config),
      reviewers: [{ reviewer: REVIEWER, token: TOKEN }],
    });
    registerReviewUi(web, { distDir, temporalUiUrl: TEMPORAL_UI_URL });
    const pageUrl = await web.listen({ host: '127.0.0.1', port: 0 });
    return { stack, pageUrl, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
