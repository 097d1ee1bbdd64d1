import { asyncLocalStorage } from '@temporalio/activity';

/**
 * Runs `work` while heartbeating every `everyMs`, so an activity that waits on one long call
 * (frame extraction, a Claude request) still tells Temporal it is alive: when its worker dies,
 * the heartbeat timeout notices within seconds instead of the start-to-close timeout's minutes.
 * `details` gives what each heartbeat carries (a heartbeat replaces the last one's details, so an
 * activity that checkpoints its progress passes it here). Outside a worker it simply runs `work`.
 */
export async function heartbeatWhile<T>(work: () => Promise<T>, everyMs = 5_000, details: () => unknown = () => undefined): Promise<T> {
  const context = asyncLocalStorage.getStore();
  if (!context) return work();
  context.heartbeat(details());
  const timer = setInterval(() => context.heartbeat(details()), everyMs);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
