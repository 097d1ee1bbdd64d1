import Anthropic from '@anthropic-ai/sdk';
import { ApplicationFailure } from '@temporalio/common';
import { activityFailure, FailureType, type FailureTypeName } from '../domain/failures';
import { parseRetryAfter } from '../domain/failures';
import { addUsage, NO_USAGE, type TokenUsage } from './cost';
import { roundUsd } from '../catalog/cost';

/**
 * Everything a Claude call can throw, as the ApplicationFailure types the analysis retry
 * policy names (workflows/activity-options.ts). The SDK's own retries are off, so this is the
 * only place a 429 or a 529 is looked at.
 */

/** Logged and kept with the failure; never a key. */
export interface JudgeFailureDetails {
  httpStatus?: number;
  errorType?: string;
  requestId?: string;
  retryAfterMs?: number;
  /** Tokens already paid for when the failure came after an answer (an unusable one). */
  usage?: TokenUsage;
  costUsd?: number;
}

// A retry-after beyond this is treated as "later", not obeyed literally.
const MAX_RETRY_DELAY_MS = 10 * 60 * 1000;
const MAX_MESSAGE_LENGTH = 400;

export function classifyJudgeError(error: unknown): ApplicationFailure {
  if (error instanceof ApplicationFailure) return error;
  if (error instanceof Anthropic.APIConnectionError) {
    // Includes APIConnectionTimeoutError: no answer, nothing paid, worth another try.
    return judgeFailure(FailureType.unavailable, `Claude could not be reached: ${clean(error.message)}`, {});
  }
  if (error instanceof Anthropic.APIError && typeof error.status === 'number') {
    const status = error.status;
    const body = error.error as { error?: { type?: string; message?: string } } | undefined;
    const details: JudgeFailureDetails = {
      httpStatus: status,
      errorType: body?.error?.type,
      requestId: error.requestID ?? undefined,
    };
    const message = `Claude answered HTTP ${status}${details.errorType ? ` ${details.errorType}` : ''}: ${clean(body?.error?.message ?? error.message)}`;
    if (status === 408 || status === 409 || status === 429 || status >= 500) {
      const retryAfter = error.headers ? parseRetryAfter(error.headers) : undefined;
      const retryAfterMs = retryAfter === undefined ? undefined : Math.min(retryAfter, MAX_RETRY_DELAY_MS);
      return judgeFailure(FailureType.unavailable, message, { ...details, retryAfterMs });
    }
    // 402 is billing: like a missing key, only a person can fix it.
    if (status === 401 || status === 402 || status === 403) return judgeFailure(FailureType.auth, message, details);
    return judgeFailure(FailureType.badRequest, message, details);
  }
  throw error;
}

/** The answer was refused, cut off or did not fit the verdict schema, twice. */
export function unusableAnswerFailure(problems: string[], usage: TokenUsage, costUsd: number): ApplicationFailure {
  return judgeFailure(
    FailureType.analysisUnusable,
    `Claude's analysis was unusable after one corrective retry: ${problems.map(clean).join('; then ')}`,
    { usage, costUsd },
  );
}

/**
 * `failure` carrying the tokens already paid for before it (an earlier answer of the same
 * judgment or comparison), so that whoever records the failure records them too.
 */
export function withPaid(failure: unknown, usage: TokenUsage, costUsd: number): unknown {
  if (!(failure instanceof ApplicationFailure) || costUsd <= 0) return failure;
  const details = (failure.details?.[0] ?? {}) as JudgeFailureDetails;
  return ApplicationFailure.create({
    message: failure.message,
    type: failure.type ?? undefined,
    nonRetryable: failure.nonRetryable ?? undefined,
    details: [{ ...details, usage: addUsage(details.usage ?? NO_USAGE, usage), costUsd: roundUsd((details.costUsd ?? 0) + costUsd) }],
    nextRetryDelay: failure.nextRetryDelay ?? undefined,
  });
}

export function missingKeyFailure(): ApplicationFailure {
  return judgeFailure(
    FailureType.auth,
    'Claude is not configured: set ANTHROPIC_API_KEY (or SIM_URL to use the simulator)',
    {},
  );
}

export function judgeFailure(type: FailureTypeName, message: string, details: JudgeFailureDetails): ApplicationFailure {
  return activityFailure(type, message, details);
}

// Error messages can echo request headers; a key must never reach history or logs.
function clean(text: string): string {
  const redacted = text
    .replace(/sk-ant-[A-Za-z0-9_-]+/g, '[redacted]')
    .replace(/(x-api-key|bearer)\s*[:=]?\s*[A-Za-z0-9._-]{8,}/gi, '$1 [redacted]')
    .replace(/\s+/g, ' ')
    .trim();
  return redacted.length > MAX_MESSAGE_LENGTH ? `${redacted.slice(0, MAX_MESSAGE_LENGTH)}…` : redacted;
}
