import { setTimeout as sleep } from 'node:timers/promises';

/** Polls an asynchronous check (a query, a history read) until it holds; test-side only. */
export async function waitUntilAsync(
  predicate: () => Promise<boolean>,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${timeoutMs} ms`);
    await sleep(100);
  }
}
