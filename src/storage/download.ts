import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { parseRetryAfter } from '../domain/failures';
import { assertSafeUrl, createSafeLookup, UnsafeUrlError, type UrlSafetyOptions } from './safe-url';

export interface DownloadOptions extends UrlSafetyOptions {
  signal?: AbortSignal;
  /** Socket silence (connecting, waiting for headers, between body chunks) that counts as a failure. */
  idleTimeoutMs?: number;
  maxRedirects?: number;
}

export interface OpenedDownload {
  /** A 2xx response whose body has not been read yet. */
  response: IncomingMessage;
  /** Where the body really comes from, after redirects. */
  url: URL;
  /** From Content-Length, when the server sent one. */
  contentLength?: number;
}

/** The server answered with a status that is not a success or a redirect we follow. */
export class DownloadHttpError extends Error {
  override readonly name = 'DownloadHttpError';
  constructor(
    readonly status: number,
    readonly retryAfterMs: number | undefined,
  ) {
    super(`HTTP ${status}`);
  }
}

/** The body ended before the length the server announced. */
export class IncompleteDownloadError extends Error {
  override readonly name = 'IncompleteDownloadError';
}

/** The connection went silent for longer than the idle timeout. */
export class DownloadTimeoutError extends Error {
  override readonly name = 'DownloadTimeoutError';
}

const DEFAULT_IDLE_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * GET with the URL rules of safe-url.ts applied to the first URL and to every redirect target.
 * Redirects to other hosts are followed, because provider CDNs hand out signed URLs on storage
 * hosts of their own; each hop is checked like the first, so a redirect cannot reach what a
 * direct URL could not.
 */
export async function openDownload(rawUrl: string, options: DownloadOptions): Promise<OpenedDownload> {
  const maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  let target = rawUrl;
  for (let hop = 0; ; hop += 1) {
    const url = await assertSafeUrl(target, options);
    const response = await requestOnce(url, options);
    const status = response.statusCode ?? 0;
    const location = response.headers.location;
    if (REDIRECT_STATUSES.has(status) && location) {
      response.destroy();
      if (hop >= maxRedirects) throw new UnsafeUrlError(`More than ${maxRedirects} redirects`);
      target = resolveRedirect(location, url);
      continue;
    }
    if (status < 200 || status > 299) {
      response.destroy();
      throw new DownloadHttpError(status, parseRetryAfter(headerReader(response)));
    }
    return { response, url, contentLength: parseContentLength(response.headers['content-length']) };
  }
}

function requestOnce(url: URL, options: DownloadOptions): Promise<IncomingMessage> {
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    let response: IncomingMessage | undefined;
    const request = client.request(
      url,
      {
        method: 'GET',
        // A private agent per request: no pooled socket opened by other code (under other
        // rules) is ever reused, and every connection goes through the safe lookup.
        agent: false,
        lookup: createSafeLookup(url, options),
        // Applies before connecting and then as the idle timeout of the whole body.
        timeout: options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
        signal: options.signal,
        // identity: the bytes hashed and stored are exactly the file, never a compressed form.
        headers: { accept: 'image/*, video/*, */*;q=0.5', 'accept-encoding': 'identity', 'user-agent': 'scene-regeneration-asset-fetch' },
      },
      (incoming) => {
        response = incoming;
        resolve(incoming);
      },
    );
    request.on('timeout', () => {
      const error = new DownloadTimeoutError(`No data from ${url.host} for ${options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS} ms`);
      response?.destroy(error);
      request.destroy(error);
    });
    request.on('error', reject);
    request.end();
  });
}

function resolveRedirect(location: string, from: URL): string {
  try {
    return new URL(location, from).toString();
  } catch {
    throw new UnsafeUrlError('Redirect to an invalid URL');
  }
}

function headerReader(response: IncomingMessage): { get(name: string): string | null } {
  return {
    get(name) {
      const value = response.headers[name.toLowerCase()];
      return typeof value === 'string' ? value : null;
    },
  };
}

function parseContentLength(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value.trim())) return undefined;
  return Number(value.trim());
}
