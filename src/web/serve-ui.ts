import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { DEFAULT_TEMPORAL_UI_URL } from '../config';
import { PROJECT_ROOT } from '../project-root';

export interface ReviewUiOptions {
  /** The Vite build output (index.html and assets/); DEFAULT_UI_DIST_DIR when absent. */
  distDir?: string;
  /** Base URL of the Temporal Web UI the page links each workflow to. */
  temporalUiUrl?: string;
  temporalNamespace?: string;
}

/** Where `vite build --config src/ui/vite.config.mjs` writes the page. */
export const DEFAULT_UI_DIST_DIR = path.join(PROJECT_ROOT, 'src', 'ui', 'dist');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/*
 * The page runs only its own bundle and talks only to this server. Media may come from wherever
 * PUBLIC_URL points (another host name for this same server, say), hence http: and https:.
 */
const PAGE_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  'img-src * data: blob:',
  'media-src * blob:',
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Serves the review page: index at `/` and `/ui/`, the built files under `/ui/`, and
 * `/ui/config.json` with what the page cannot know by itself. No auth here: the page holds no
 * data, and every /api call it makes carries the reviewer's token.
 */
export function registerReviewUi(app: FastifyInstance, options: ReviewUiOptions = {}): void {
  const distDir = path.resolve(options.distDir ?? DEFAULT_UI_DIST_DIR);
  const config = {
    temporalUiUrl: (options.temporalUiUrl ?? DEFAULT_TEMPORAL_UI_URL).replace(/\/+$/, ''),
    temporalNamespace: options.temporalNamespace ?? 'default',
  };

  const sendIndex = async (reply: FastifyReply): Promise<FastifyReply> => {
    const file = await fileInside(distDir, 'index.html');
    if (file === undefined) {
      return reply
        .code(503)
        .type('text/html; charset=utf-8')
        .header('Cache-Control', 'no-store')
        .send('<!doctype html><title>Review page not built</title><p>The review page is not built: run <code>npm run ui:build</code>.</p>');
    }
    return reply
      .type(CONTENT_TYPES['.html'])
      .header('Cache-Control', 'no-cache')
      .header('Content-Security-Policy', PAGE_POLICY)
      .header('X-Content-Type-Options', 'nosniff')
      .header('Referrer-Policy', 'no-referrer')
      .send(await readFile(file));
  };

  app.get('/', async (_request, reply) => sendIndex(reply));
  app.get('/ui', async (_request, reply) => reply.redirect('/ui/'));
  app.get('/ui/', async (_request, reply) => sendIndex(reply));
  app.get('/ui/config.json', async (_request, reply) => reply.header('Cache-Control', 'no-store').send(config));

  app.get('/ui/*', async (request, reply) => {
    const relative = (request.params as { '*'?: string })['*'] ?? '';
    if (relative === 'index.html') return sendIndex(reply);
    const file = await fileInside(distDir, relative);
    if (file === undefined) return reply.code(404).send({ error: 'No such file in the review page' });
    const extension = path.extname(file);
    // Vite names everything under assets/ by its content hash, so those never change.
    const immutable = relative.startsWith('assets/');
    return reply
      .type(CONTENT_TYPES[extension] ?? 'application/octet-stream')
      .header('X-Content-Type-Options', 'nosniff')
      .header('Cache-Control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
      .send(await readFile(file));
  });
}

/** The real path of a regular file under `root`, or undefined: no dot segments, no links out. */
async function fileInside(root: string, relative: string): Promise<string | undefined> {
  if (relative === '' || relative.includes('\0') || relative.split('/').some((part) => part === '..' || part === '.')) {
    return undefined;
  }
  try {
    const [realRoot, realFile] = await Promise.all([realpath(root), realpath(path.join(root, relative))]);
    if (!realFile.startsWith(realRoot + path.sep)) return undefined;
    return (await stat(realFile)).isFile() ? realFile : undefined;
  } catch {
    return undefined;
  }
}
