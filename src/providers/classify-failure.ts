import { ApplicationFailure } from '@temporalio/common';
import { activityFailure, FailureType, parseRetryAfter, type FailureTypeName } from '../domain/failures';
import type { SceneKind } from '../domain/scene';
import type { ProviderName } from '../domain/provider';
import { ProviderHttpError, ProviderNetworkError, ProviderResponseError } from './http-errors';

/**
 * The one place where anything a provider call can throw becomes an ApplicationFailure whose
 * `type` the retry policies (workflows/activity-options.ts) understand. Adapters call it in
 * their catch blocks; the activities call it again, which is harmless since an
 * ApplicationFailure passes through unchanged.
 */

export type ProviderOperation = 'submit' | 'poll' | 'cancel';

/** Details attached to every failure, for logs and the attempt record; never a secret. */
export interface ProviderFailureDetails {
  provider: ProviderName;
  operation: ProviderOperation;
  httpStatus?: number;
  retryAfterMs?: number;
}

// Retry-after values beyond this are treated as "later", not obeyed literally: a workflow
// should not sit for a day because a gateway said so.
const MAX_RETRY_DELAY_MS = 10 * 60 * 1000;
const MAX_DETAIL_LENGTH = 300;

// Wording seen in moderation failures: Runway's SAFETY.* codes, fal's content_policy_violation,
// Kling's "risk control", Hailuo's "sensitive" content. Kept narrow so that a plain validation
// error is never taken for a refusal.
const MODERATION_PATTERN =
  /content[\s_-]*polic|moderat|\bsafety\b|\bnsfw\b|\bsensitive\b|inappropriate|risk[\s_-]*control|policy[\s_-]*violation|\brefused\b/i;
const OUT_OF_CREDIT_PATTERN = /\b(enough|insufficient|out of|no)\s+(credit|balance|quota|fund)/i;

/** True when a task failure's reason (or an error body) says moderation stopped it. */
export function mentionsModeration(text: string): boolean {
  return MODERATION_PATTERN.test(text);
}

export function classifyProviderError(
  provider: ProviderName,
  operation: ProviderOperation,
  error: unknown,
): ApplicationFailure {
  if (error instanceof ApplicationFailure) return error;
  const http = readHttpShape(error);
  if (http) return classifyHttp(provider, operation, http);
  if (isNetworkFailure(error)) {
    return failure(FailureType.unavailable, `${provider} ${operation}: ${describe(error)}`, { provider, operation });
  }
  if (error instanceof ProviderResponseError && operation === 'submit') {
    // The provider may have accepted the job; submitting again could pay twice.
    return failure(
      FailureType.generationFailed,
      `${provider} submit: the answer could not be read (${describe(error)}); not resubmitted so it is not paid twice`,
      { provider, operation },
    );
  }
  // Unreadable poll answers and anything unexpected: polling again is free, so let Temporal retry.
  return failure(FailureType.unavailable, `${provider} ${operation}: ${describe(error)}`, { provider, operation });
}

/**
 * A task the provider ran and that failed: a refusal (content_refused), a generation that made
 * nothing usable (generation_failed), or the provider's own machinery failing (unavailable: a
 * provider failure its health counts, which the next attempt may get past). The task itself is
 * over either way; the activity does not look at it again.
 */
export function taskFailure(provider: ProviderName, reason: string, refused: boolean, providerFault = false): ApplicationFailure {
  const type = refused ? FailureType.contentRefused : providerFault ? FailureType.unavailable : FailureType.generationFailed;
  const verb = refused ? 'refused the content' : providerFault ? 'failed in its own service' : 'failed the task';
  return failure(type, `${provider} ${verb}: ${clean(reason)}`, { provider, operation: 'poll' });
}

/** Said on every call of a provider whose key is not configured (and no simulator is in use). */
export function missingKeyFailure(provider: ProviderName, envVar: string): ApplicationFailure {
  return failure(
    FailureType.auth,
    `${provider} is not configured: set ${envVar} (or SIM_URL to use the simulator)`,
    { provider, operation: 'submit' },
  );
}

/** A video-only model asked for an image, or the reverse: no retry or resubmission can help. */
export function unsupportedKindFailure(provider: ProviderName, kind: SceneKind): ApplicationFailure {
  const makes = kind === 'video' ? 'images' : 'video';
  return failure(FailureType.badRequest, `${provider} makes ${makes} only; it cannot make this ${kind} scene`, {
    provider,
    operation: 'submit',
  });
}

/** A repair sent to a provider with no edit endpoint for the kind (src/catalog/edits.ts). */
export function cannotEditFailure(provider: ProviderName, kind: SceneKind): ApplicationFailure {
  return failure(FailureType.badRequest, `${provider} has no edit endpoint for a ${kind}; it cannot repair it`, { provider, operation: 'submit' });
}

interface HttpShape {
  status: number;
  body: unknown;
  retryAfterMs?: number;
}

// Reads our ProviderHttpError, the Runway SDK's APIError (status, headers, error) and the fal
// client's ApiError (status, body) alike, without depending on either SDK's classes.
function readHttpShape(error: unknown): HttpShape | undefined {
  if (error instanceof ProviderHttpError) {
    return { status: error.status, body: error.body, retryAfterMs: error.retryAfterMs };
  }
  if (!(error instanceof Error)) return undefined;
  const candidate = error as Error & { status?: unknown; headers?: unknown; error?: unknown; body?: unknown };
  if (typeof candidate.status !== 'number') return undefined;
  const headers = candidate.headers;
  const retryAfterMs =
    headers && typeof (headers as Headers).get === 'function' ? parseRetryAfter(headers as Headers) : undefined;
  return { status: candidate.status, body: candidate.error ?? candidate.body ?? candidate.message, retryAfterMs };
}

function classifyHttp(provider: ProviderName, operation: ProviderOperation, http: HttpShape): ApplicationFailure {
  const detail = bodyText(http.body);
  const message = `${provider} ${operation}: HTTP ${http.status}${detail ? `: ${detail}` : ''}`;
  const details: ProviderFailureDetails = { provider, operation, httpStatus: http.status };
  const { status } = http;
  if (status === 408 || status === 425 || status === 429 || status >= 500) {
    const retryAfterMs = http.retryAfterMs === undefined ? undefined : Math.min(http.retryAfterMs, MAX_RETRY_DELAY_MS);
    return failure(FailureType.unavailable, message, { ...details, retryAfterMs });
  }
  if (status === 401 || status === 402 || status === 403) return failure(FailureType.auth, message, details);
  if (status >= 400 && mentionsContentPolicy(http.body)) return failure(FailureType.contentRefused, message, details);
  if (status >= 400 && OUT_OF_CREDIT_PATTERN.test(detail)) return failure(FailureType.auth, message, details);
  return failure(FailureType.badRequest, message, details);
}

// fal says `content_policy_violation` in detail[].type; Runway's 400s and PiAPI's messages say
// it in words. A body is searched whole, so the field it sits in does not matter.
function mentionsContentPolicy(body: unknown): boolean {
  const text = typeof body === 'string' ? body : safeStringify(body);
  return /content_policy_violation/i.test(text) || mentionsModeration(text);
}

function bodyText(body: unknown): string {
  if (body === undefined || body === null) return '';
  if (typeof body === 'string') return clean(body);
  if (typeof body === 'object') {
    const record = body as Record<string, unknown>;
    const parts = [record.message, record.error, record.detail, record.issues]
      .filter((part) => part !== undefined && part !== null && part !== '')
      .map((part) => (typeof part === 'string' ? part : safeStringify(part)));
    if (parts.length > 0) return clean(parts.join(' '));
  }
  return clean(safeStringify(body));
}

function isNetworkFailure(error: unknown): boolean {
  if (error instanceof ProviderNetworkError) return true;
  if (!(error instanceof Error)) return false;
  // Runway SDK: APIConnectionError / APIConnectionTimeoutError (status undefined); Node fetch:
  // TypeError "fetch failed"; deadlines: TimeoutError / AbortError.
  return (
    /^APIConnection(Timeout)?Error$/.test(error.constructor.name) ||
    error.name === 'TimeoutError' ||
    error.name === 'AbortError' ||
    (error instanceof TypeError && /fetch failed/i.test(error.message))
  );
}

function describe(error: unknown): string {
  if (error instanceof Error) return clean(error.message || error.name);
  return clean(String(error));
}

// Provider messages can echo request headers; keys must never reach history or logs.
function clean(text: string): string {
  const redacted = text
    .replace(/(bearer|key)\s+[A-Za-z0-9._:-]{8,}/gi, '$1 [redacted]')
    .replace(/\bkey_[A-Za-z0-9]{16,}/g, '[redacted]')
    .replace(/\s+/g, ' ')
    .trim();
  return redacted.length > MAX_DETAIL_LENGTH ? `${redacted.slice(0, MAX_DETAIL_LENGTH)}…` : redacted;
}

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return String(value);
  }
}

/** Typed so every failure carries this module's details. */
function failure(type: FailureTypeName, message: string, details: ProviderFailureDetails): ApplicationFailure {
  return activityFailure(type, message, details);
}
