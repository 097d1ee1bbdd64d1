import { parseRetryAfter } from '../domain/failures';
import { ProviderHttpError, ProviderNetworkError } from './http-errors';

export type FetchFunction = typeof fetch;

/**
 * `fetch` with a deadline that turns every non-2xx answer and every transport failure into
 * our own errors (http-errors.ts). PiAPI calls it directly; the fal client gets it as its
 * documented `fetch` option, which also keeps fal's built-in retries from firing.
 */
export function createProviderFetch(options: { timeoutMs: number; fetchImpl?: FetchFunction }): FetchFunction {
  const fetchImpl = options.fetchImpl ?? fetch;
  return async (input, init) => {
    const deadline = AbortSignal.timeout(options.timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, deadline]) : deadline;
    let response: Response;
    try {
      response = await fetchImpl(input, { ...init, signal });
    } catch (error) {
      throw toNetworkError(error, options.timeoutMs);
    }
    if (!response.ok) {
      const retryAfterMs = parseRetryAfter(response.headers);
      const body = await readBodySafely(response);
      throw new ProviderHttpError(response.status, body, retryAfterMs);
    }
    return response;
  };
}

async function readBodySafely(response: Response): Promise<unknown> {
  let text: string;
  try {
    text = await response.text();
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text.slice(0, 2000);
  }
}

function toNetworkError(error: unknown, timeoutMs: number): ProviderNetworkError {
  const name = error instanceof Error ? error.name : undefined;
  if (name === 'TimeoutError') {
    return new ProviderNetworkError(`no answer within ${timeoutMs} ms`, 'TimeoutError');
  }
  if (name === 'AbortError') {
    return new ProviderNetworkError('request aborted', 'AbortError');
  }
  const code = findErrorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  return new ProviderNetworkError(code ? `${message} (${code})` : message, code);
}

// Node's fetch hides the system error (ECONNREFUSED, ...) in `cause`.
function findErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
