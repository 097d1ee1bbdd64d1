import type { ProviderName } from '../domain/provider';

/**
 * How many generations each provider may have in flight from this worker process: a submission
 * takes a place before it calls the provider, and the place is given back when the generation
 * ends. Providers cap concurrent tasks per account and answer 429 beyond it; waiting our turn
 * costs nothing, while a 429 costs a retry.
 *
 * A place is a lease: submitGeneration takes it, awaitGeneration renews it on every poll and
 * gives it back when the task is done, failed or cancelled. A lease nobody renews (the await
 * runs on another worker, or its retry is far off) lapses after `leaseMs`, so a place is
 * never lost for good; the price is that a lapsed place may be taken while the task it
 * belonged to still runs.
 */
export interface ConcurrencyGate {
  /** Takes a place for a new submission, or says how long to wait when the provider is full. */
  tryTake(provider: ProviderName): { granted: true; lease: Lease } | { granted: false; retryAfterMs: number };
  /** Holds (or renews) the place of a task already at the provider, whatever the limit. */
  hold(provider: ProviderName, taskId: string): void;
  /** Gives back the place of a task that ended. */
  release(provider: ProviderName, taskId: string): void;
  /** Places in use now, for tests and metrics. */
  inFlight(provider: ProviderName): number;
}

export interface Lease {
  /** The submission reached the provider: the place now belongs to its task. */
  bind(taskId: string): void;
  /** The submission failed: nothing is in flight. */
  cancel(): void;
}

export interface ConcurrencyGateOptions {
  limits: Readonly<Record<ProviderName, number>>;
  /** How long a place survives without a renewal. */
  leaseMs?: number;
  /** How long a refused submission is told to wait before asking again. */
  retryAfterMs?: number;
  now?: () => number;
}

// Longer than awaitGeneration's slowest poll (10 s) and its quickest retry, so a live
// generation keeps its place; short enough that a place left behind comes back soon.
const DEFAULT_LEASE_MS = 2 * 60_000;
const DEFAULT_RETRY_AFTER_MS = 2_000;

export function createConcurrencyGate(options: ConcurrencyGateOptions): ConcurrencyGate {
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const retryAfterMs = options.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS;
  const now = options.now ?? Date.now;
  // Per provider: place key (a task id, or a pending submission's token) → lease expiry.
  const places = new Map<ProviderName, Map<string, number>>();
  let pendingCount = 0;

  function placesOf(provider: ProviderName): Map<string, number> {
    let held = places.get(provider);
    if (!held) places.set(provider, (held = new Map()));
    const time = now();
    for (const [key, expiresAt] of held) if (expiresAt <= time) held.delete(key);
    return held;
  }

  return {
    tryTake(provider) {
      const held = placesOf(provider);
      if (held.size >= options.limits[provider]) return { granted: false, retryAfterMs };
      const pendingKey = `pending:${++pendingCount}`;
      held.set(pendingKey, now() + leaseMs);
      return {
        granted: true,
        lease: {
          bind(taskId) {
            held.delete(pendingKey);
            held.set(`task:${taskId}`, now() + leaseMs);
          },
          cancel() {
            held.delete(pendingKey);
          },
        },
      };
    },
    hold(provider, taskId) {
      placesOf(provider).set(`task:${taskId}`, now() + leaseMs);
    },
    release(provider, taskId) {
      placesOf(provider).delete(`task:${taskId}`);
    },
    inFlight(provider) {
      return placesOf(provider).size;
    },
  };
}
