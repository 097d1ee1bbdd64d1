import type { ProviderOutcome } from '../domain/round-steps';
import type { RegenerationAttempt } from '../domain/regeneration';

/**
 * The circuit breaker every worker shares per provider (SPEC.md "Cost and provider health"):
 * after `allowedFails` failures in a row that say the provider is down or overloaded, the
 * provider is skipped for `cooldownMs`; then one attempt is let through as a probe, and its
 * outcome closes the breaker or opens it again. Names and the default of 3 follow LiteLLM's
 * router (`allowed_fails`, `cooldown_time`, https://docs.litellm.ai/docs/router/learn/reliability).
 * Its few-second cooldown suits chat calls; a generation takes minutes and a provider's outage
 * lasts as long, so the default cooldown here is 5 minutes.
 *
 * Pure: the database (src/db/provider-health.ts) applies these rules under its own clock and
 * lock, and the tests read them as tables.
 */
export interface BreakerSettings {
  allowedFails: number;
  cooldownMs: number;
}

export const DEFAULT_BREAKER: BreakerSettings = { allowedFails: 3, cooldownMs: 5 * 60_000 };

/**
 * A probe nobody reports on (its round was terminated by an operator) stops blocking others
 * after this long: longer than any generation may take (rules/generation-wait.ts) plus judging.
 */
export const PROBE_LAPSE_MS = 30 * 60_000;

/**
 * Names an attempt for the breakers (its probe, its outcome) and the budget holds: by workflow,
 * round and attempt, not run, so a run made by a reset that redoes the attempt keeps its probe.
 */
export function attemptKey(workflowId: string, round: number, attemptNumber: number): string {
  return `${workflowId}/${round}/${attemptNumber}`;
}

/** Candidate n of an attempt (src/rules/candidates.ts): candidate 1 is the attempt itself. */
export function candidateKey(key: string, candidate: number): string {
  return candidate === 1 ? key : `${key}/c${candidate}`;
}

/** One provider's breaker as stored; times in epoch milliseconds of the database's clock. */
export interface BreakerRow {
  consecutiveFails: number;
  /** When the breaker opened; undefined while closed. */
  openedAt?: number;
  /** When the probe now under way was let through, and by which attempt. */
  probeStartedAt?: number;
  probeKey?: string;
}

export const CLOSED: BreakerRow = { consecutiveFails: 0 };

/**
 * closed: use it. open: skip it, cooling down. probe: use it as the one probe. probing: skip
 * it, another attempt's probe is under way.
 */
export type BreakerVerdict = 'closed' | 'open' | 'probe' | 'probing';

/** Whether an attempt (named by its idempotency key) may use the provider now. */
export function breakerVerdict(row: BreakerRow, nowMs: number, settings: BreakerSettings, attemptKey: string): BreakerVerdict {
  if (row.openedAt === undefined) return 'closed';
  if (nowMs < row.openedAt + settings.cooldownMs) return 'open';
  // A retried ask of the attempt that holds the probe gets its probe back.
  if (row.probeStartedAt === undefined || row.probeKey === attemptKey || nowMs >= row.probeStartedAt + PROBE_LAPSE_MS) {
    return 'probe';
  }
  return 'probing';
}

/** The row once the attempt holding `attemptKey` has been let through as the probe. */
export function withProbe(row: BreakerRow, nowMs: number, attemptKey: string): BreakerRow {
  return { ...row, probeStartedAt: nowMs, probeKey: attemptKey };
}

/**
 * What an attempt says about its provider's health. failure: the provider was down or overloaded
 * (unavailable, which includes rate limits) or timed out at the generation step. success: the provider
 * made the asset (later steps failing is not its fault). neutral: it answered but made nothing
 * useful (a content refusal, a bad request, a missing key, a cancelled round): no sign either way.
 */
export type BreakerOutcome = ProviderOutcome;

// Waiting for a place under our own PROVIDER_CONCURRENCY (provider_busy) says nothing of the provider.
const DOWN_AT_GENERATION = new Set(['unavailable', 'timeout']);

export function breakerOutcome(attempt: Pick<RegenerationAttempt, 'failure' | 'failedStep'>): BreakerOutcome {
  if (attempt.failure === undefined) return 'success';
  // Claude or our store being down says nothing about the provider, which had delivered.
  if (attempt.failedStep === 'store' || attempt.failedStep === 'judge') return 'success';
  if (attempt.failedStep === 'generate' && DOWN_AT_GENERATION.has(attempt.failure.type)) return 'failure';
  return 'neutral';
}

/**
 * The row after an outcome. A probe's outcome decides alone; any other success closes the count,
 * and a failure that reaches `allowedFails` in a row opens the breaker. An attempt let through
 * before the breaker opened that fails afterwards does not restart the cooldown.
 */
export function afterOutcome(
  row: BreakerRow,
  outcome: BreakerOutcome,
  nowMs: number,
  settings: BreakerSettings,
  attemptKey: string,
): BreakerRow {
  const isProbe = row.probeKey === attemptKey && row.probeStartedAt !== undefined;
  if (isProbe) {
    if (outcome === 'success') return CLOSED;
    if (outcome === 'failure') return { consecutiveFails: row.consecutiveFails + 1, openedAt: nowMs };
    // No sign either way: the probe is given back and the next attempt probes.
    return { consecutiveFails: row.consecutiveFails, openedAt: row.openedAt };
  }
  if (outcome === 'success') return row.openedAt === undefined ? CLOSED : row;
  if (outcome === 'neutral') return row;
  const consecutiveFails = row.consecutiveFails + 1;
  if (row.openedAt !== undefined) return { ...row, consecutiveFails };
  return consecutiveFails >= settings.allowedFails ? { consecutiveFails, openedAt: nowMs } : { consecutiveFails };
}
