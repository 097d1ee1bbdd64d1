/**
 * Errors our own HTTP layer throws for PiAPI and fal, carrying just what classify-failure.ts
 * needs. They deliberately have no `cause` and no `code` property: fal's client walks both to
 * decide on its own retries, and Temporal is the only retry layer (ARCHITECTURE.md).
 */

/** The provider answered with a non-2xx status (or PiAPI's envelope said so). */
export class ProviderHttpError extends Error {
  override readonly name = 'ProviderHttpError';
  constructor(
    readonly status: number,
    readonly body: unknown,
    /** From retry-after-ms / retry-after, when the provider sent one. */
    readonly retryAfterMs: number | undefined,
  ) {
    super(`HTTP ${status}`);
  }
}

/** The request never got an answer: refused connection, DNS, reset, or our own timeout. */
export class ProviderNetworkError extends Error {
  override readonly name = 'ProviderNetworkError';
  constructor(
    message: string,
    /** ECONNREFUSED, TimeoutError, ...: for the failure message only. */
    readonly networkCode: string | undefined,
  ) {
    super(message);
  }
}

/** A 2xx answer we could not read: the provider changed its shape or a proxy answered instead. */
export class ProviderResponseError extends Error {
  override readonly name = 'ProviderResponseError';
}

/** Milliseconds to wait, from `retry-after-ms`, or `retry-after` as seconds or an HTTP date. */
export function parseRetryAfter(headers: { get(name: string): string | null }, now = Date.now()): number | undefined {
  const milliseconds = headers.get('retry-after-ms');
  if (milliseconds !== null && milliseconds.trim() !== '' && Number.isFinite(Number(milliseconds))) {
    return Math.max(0, Number(milliseconds));
  }
  const value = headers.get('retry-after');
  if (value === null || value.trim() === '') return undefined;
  if (Number.isFinite(Number(value))) return Math.max(0, Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
