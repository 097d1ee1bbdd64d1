import { setTimeout as sleep } from 'node:timers/promises';
import type { WorkflowHandle } from '@temporalio/client';
import { historyEvents, workflowTaskFailures } from './history';

/**
 * A round's result, failing fast when its workflow task fails instead: the server retries a
 * failed workflow task forever, so a bug in workflow code would otherwise leave a long test
 * waiting until its timeout with nothing to show. Errors reading the history (a server that is
 * briefly away) are ignored; the next look tries again.
 */
export async function watchedResult<T>(
  handle: WorkflowHandle,
  result: () => Promise<T>,
  everyMs = 10_000,
): Promise<T> {
  let done = false;
  const watch = (async (): Promise<never> => {
    for (;;) {
      await sleep(everyMs);
      if (done) return new Promise<never>(() => undefined);
      const failures = await historyEvents(handle).then(workflowTaskFailures, () => []);
      if (failures.length > 0) {
        throw new Error(`${handle.workflowId}: a workflow task failed: ${failures[0]}`);
      }
    }
  })();
  try {
    return await Promise.race([result(), watch]);
  } finally {
    done = true;
  }
}
