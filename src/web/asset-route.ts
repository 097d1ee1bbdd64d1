import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isAssetKey, mediaTypeForKey } from '../storage/asset-key';
import { AssetStoreUnavailableError, type AssetStore } from '../storage/asset-store';
import { HttpError, badRequest, notFound } from './http-error';

/**
 * Serves the asset store's objects read-only under /assets/<key>, from whichever store is
 * configured (a local directory or an object store: src/storage), streamed through this
 * server, so the URL a round records never changes and nothing but the store is shared with
 * the workers. Without auth: <img> and <video> cannot send a header, and a key is a content
 * hash, unguessable and immutable. Byte ranges let browsers seek in clips.
 */
export function registerAssetRoute(app: FastifyInstance, store: AssetStore): void {
  // HEAD declared here rather than derived from GET: fastify's derived HEAD reads the whole body
  // and throws it away, which for an object store means downloading it.
  app.route({ method: ['GET', 'HEAD'], url: '/assets/*', handler: (request, reply) => serveAsset(store, request, reply) });
}

async function serveAsset(store: AssetStore, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const key = (request.params as { '*'?: string })['*'] ?? '';
  // The key grammar admits no slash, dot segment or encoding, so it cannot name a path outside.
  if (!isAssetKey(key)) throw badRequest('Invalid asset key');
  const info = await storeCall(() => store.stat(key));
  if (info === undefined) throw notFound('No such asset');
  const size = info.sizeBytes;

  const range = parseRange(request.headers.range, size);
  if (range === 'unsatisfiable') {
    void reply.header('Content-Range', `bytes */${size}`);
    throw new HttpError(416, `Range not satisfiable: the asset has ${size} bytes`);
  }
  void reply
    .header('Content-Type', mediaTypeForKey(key))
    .header('X-Content-Type-Options', 'nosniff')
    .header('Content-Security-Policy', "default-src 'none'; sandbox")
    .header('Cache-Control', 'public, max-age=31536000, immutable')
    .header('Accept-Ranges', 'bytes')
    .header('Content-Length', range === undefined ? size : range.end - range.start + 1);
  if (range !== undefined) void reply.code(206).header('Content-Range', `bytes ${range.start}-${range.end}/${size}`);
  // HEAD: the headers without opening the body.
  if (request.method === 'HEAD') return reply.send();
  return reply.send(await openOrNotFound(store, key, range));
}

async function openOrNotFound(store: AssetStore, key: string, range: { start: number; end: number } | undefined) {
  try {
    return await storeCall(() => store.openRead(key, range));
  } catch (error) {
    // Deleted between the look-up and the read: as missing as if it had never been there.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw notFound('No such asset');
    throw error;
  }
}

/** An object store that is down answers 503, so a browser or proxy knows to try again. */
async function storeCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof AssetStoreUnavailableError) throw new HttpError(503, 'The asset store is unavailable; try again shortly');
    throw error;
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
