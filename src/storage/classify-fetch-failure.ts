import { ApplicationFailure } from '@temporalio/common';
import { activityFailure, FailureType, type FailureTypeName } from '../domain/failures';
import { MediaProbeError } from '../media/probe';
import { AssetStoreUnavailableError, AssetTooLargeError } from './asset-store';
import { DownloadHttpError, DownloadTimeoutError, IncompleteDownloadError } from './download';
import { UnsafeUrlError } from './safe-url';

export interface FetchFailureDetails {
  /** Origin and path only: provider URLs carry signatures in the query, which must not reach history. */
  url: string;
  httpStatus?: number;
  retryAfterMs?: number;
}

// A retry-after longer than this is not worth honouring inside one round; the policy's own
// backoff takes over.
const MAX_RETRY_DELAY_MS = 5 * 60_000;

const NETWORK_ERROR_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH',
  'ENETDOWN', 'EHOSTDOWN', 'ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'ERR_STREAM_PREMATURE_CLOSE', 'UND_ERR_SOCKET',
]);

/**
 * Turns whatever storeAsset ran into into an ApplicationFailure of the shared list
 * (src/domain/failures.ts). Anything unrecognised (a full disk, a missing ffprobe) is rethrown
 * unchanged, so Temporal retries it as our own fault.
 */
export function classifyFetchFailure(error: unknown, rawUrl: string): unknown {
  if (error instanceof ApplicationFailure) return error;
  const url = describeUrl(rawUrl);
  if (error instanceof UnsafeUrlError) return failure(FailureType.unsafeUrl, `Unsafe asset URL ${url}: ${error.message}`, { url });
  if (error instanceof AssetTooLargeError) return failure(FailureType.assetTooLarge, `${url}: ${error.message}`, { url });
  if (error instanceof MediaProbeError) return failure(FailureType.assetInvalid, `${url}: ${error.message}`, { url });
  if (error instanceof DownloadHttpError) return classifyStatus(error, url);
  // Our own object store, not the provider's URL, failed: retried like any outage, and the
  // attempt's reason says which side it was.
  if (error instanceof AssetStoreUnavailableError) return failure(FailureType.unavailable, `Storing ${url} failed: ${error.message}`, { url });
  if (error instanceof DownloadTimeoutError || error instanceof IncompleteDownloadError || isNetworkError(error)) {
    return failure(FailureType.unavailable, `Downloading ${url} failed: ${describe(error)}`, { url });
  }
  if (isCertificateError(error)) {
    return failure(FailureType.unsafeUrl, `${url}: the server's TLS certificate could not be verified (${describe(error)})`, { url });
  }
  return error;
}

function classifyStatus(error: DownloadHttpError, url: string): ApplicationFailure {
  const { status } = error;
  const details: FetchFailureDetails = { url, httpStatus: status };
  if (status === 408 || status === 425 || status === 429 || status >= 500) {
    const retryAfterMs = error.retryAfterMs === undefined ? undefined : Math.min(error.retryAfterMs, MAX_RETRY_DELAY_MS);
    return failure(FailureType.unavailable, `${url} answered HTTP ${status}`, { ...details, retryAfterMs });
  }
  // 403/404/410 are how expired signed URLs answer; other 4xx (400 on some stores) cannot be
  // fixed by asking again either.
  return failure(FailureType.assetGone, `${url} answered HTTP ${status}: the asset is no longer there`, details);
}


function isNetworkError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as NodeJS.ErrnoException).code;
  return (code !== undefined && NETWORK_ERROR_CODES.has(code)) || /socket hang up|aborted/i.test(error.message);
}

function isCertificateError(error: unknown): boolean {
  const code = error instanceof Error ? (error as NodeJS.ErrnoException).code : undefined;
  return (
    code !== undefined &&
    (code.startsWith('CERT_') ||
      code.startsWith('ERR_TLS_') ||
      ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY'].includes(code))
  );
}

function describeUrl(rawUrl: string): string {
  try {
    const url = new URL(rawUrl);
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return '(unparseable URL)';
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as NodeJS.ErrnoException).code;
  return code && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
}

/** Typed so every failure carries this module's details. */
function failure(type: FailureTypeName, message: string, details: FetchFailureDetails): ApplicationFailure {
  return activityFailure(type, message, details);
}
