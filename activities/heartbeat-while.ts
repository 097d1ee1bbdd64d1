import { asyncLocalStorage } from '@temporalio/activity';

/**
 * Runs `work` while heartbeating every `everyMs`, so an activity that waits on one long call
 * (frame extraction, a Claude request) still tells Temporal it is alive: when its worker dies,
 * the heartbeat timeout notices within seconds instead of the start-to-close timeout's minutes.
 * Outside a worker (tests, scripts) it simply runs `work`.
 */
export async function heartbeatWhile<T>(work: () => Promise<T>, everyMs = 5_000): Promise<T> {
  const context = asyncLocalStorage.getStore();
  if (!context) return work();
  context.heartbeat();
  const timer = setInterval(() => context.heartbeat(), everyMs);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

