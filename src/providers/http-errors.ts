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

