import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { isAssetKey, mediaTypeForKey, shardedRelativePath } from '../storage/asset-key';
import { HttpError, badRequest, notFound } from './http-error';

/**
 * Serves the asset store's files (src/storage: `<aa>/<bb>/<sha256>.<ext>` under assetsDir)
 * read-only, without auth: <img> and <video> cannot send a header, and a key is a content hash,
 * unguessable and immutable. Byte ranges let browsers seek in clips.
 */
export function registerAssetRoute(app: FastifyInstance, assetsDir: string): void {
  const root = path.resolve(assetsDir);

  app.get('/assets/*', async (request, reply) => {
    const key = (request.params as { '*'?: string })['*'] ?? '';
    // The key grammar admits no slash, dot segment or encoding, so it cannot name a path outside.
    if (!isAssetKey(key)) throw badRequest('Invalid asset key');
    const file = await resolveInside(root, shardedRelativePath(key));
    const info = file === undefined ? undefined : await stat(file).catch(() => undefined);
    if (file === undefined || info === undefined || !info.isFile()) throw notFound('No such asset');

    const range = parseRange(request.headers.range, info.size);
    if (range === 'unsatisfiable') {
      void reply.header('Content-Range', `bytes */${info.size}`);
      throw new HttpError(416, `Range not satisfiable: the asset has ${info.size} bytes`);
    }
    void reply
      .header('Content-Type', mediaTypeForKey(key))
      .header('X-Content-Type-Options', 'nosniff')
      .header('Content-Security-Policy', "default-src 'none'; sandbox")
      .header('Cache-Control', 'public, max-age=31536000, immutable')
      .header('Accept-Ranges', 'bytes');
    if (range === undefined) {
      return reply.header('Content-Length', info.size).send(createReadStream(file));
    }
    return reply
      .code(206)
      .header('Content-Range', `bytes ${range.start}-${range.end}/${info.size}`)
      .header('Content-Length', range.end - range.start + 1)
      .send(createReadStream(file, range));
  });
}

/** The real path of `relative` under `root`, or undefined when it is missing or a link leads outside. */
async function resolveInside(root: string, relative: string): Promise<string | undefined> {
  try {
    const [realRoot, realFile] = await Promise.all([realpath(root), realpath(path.join(root, relative))]);
    return realFile.startsWith(realRoot + path.sep) ? realFile : undefined;
  } catch {
    return undefined;
  }
}

/** One `bytes=` range (what browsers send for media); anything else is answered whole. */
function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | undefined {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header?.trim() ?? '');
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  let start: number;
  let end: number;
  if (match[1] === '') {
    // "bytes=-N": the last N bytes.
    start = Math.max(0, size - Number(match[2]));
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  if (start > end || start >= size) return 'unsatisfiable';
  return { start, end };
}
