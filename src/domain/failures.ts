import { ApplicationFailure } from '@temporalio/common';

/**
 * The one small list of failure types every activity speaks (ARCHITECTURE.md "One retry layer").
 * Activities throw ApplicationFailure with one of these as `type`; retry policies name the
 * non-retryable ones, and the workflow turns any of them into a failed attempt with its reason.
 */
export const FailureType = {
  /** The provider's moderation refused the prompt or the output. Paying again changes nothing. */
  contentRefused: 'content_refused',
  /** The request itself was wrong (validation). */
  badRequest: 'bad_request',
  /** A key is missing, wrong or out of credit. */
  auth: 'auth',
  /** 429, 5xx, timeouts and connection errors: worth retrying, after the delay the service asked for. */
  unavailable: 'unavailable',
  /** The provider ran the task and it failed for a reason of its own. */
  generationFailed: 'generation_failed',
  /** The provider's output URL has expired (403/404/410). */
  assetGone: 'asset_gone',
  /** The download is larger than the store accepts. */
  assetTooLarge: 'asset_too_large',
  /** The download is not an image or video we can decode. */
  assetInvalid: 'asset_invalid',
  /** Not https, or resolves to a private address. */
  unsafeUrl: 'unsafe_url',
  /** The judge's answer could not be used even after one corrective retry. */
  analysisUnusable: 'analysis_unusable',
} as const;

export type FailureTypeName = (typeof FailureType)[keyof typeof FailureType];

/**
 * The one way an activity fails: only `unavailable` is retried, after the delay the service
 * asked for (retry-after); every other type is final for that activity.
 */
export function activityFailure(
  type: FailureTypeName,
  message: string,
  details: { retryAfterMs?: number },
): ApplicationFailure {
  const retryable = type === FailureType.unavailable;
  return ApplicationFailure.create({
    message,
    type,
    nonRetryable: !retryable,
    details: [details],
    nextRetryDelay: retryable ? details.retryAfterMs : undefined,
  });
}

/**
 * How long a service asked us to wait, in milliseconds: `retry-after-ms`, or `retry-after` as
 * seconds or an HTTP date. Providers, Claude and asset hosts all say it this way.
 */
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
