import { sleep } from '@temporalio/workflow';
import type { GenerationRequest, GenerationTask, ProviderBusy } from '../src/domain/activity-types';
import { submitGeneration } from './activities';

// Each ask costs about ten history events. Waits grow gently (×1.25) so a place freed by a
// seconds-long image is taken soon, and stop at 15 s so a queue behind minutes-long videos
// adds about forty events a minute, far from Temporal's history limits.
const GROWTH = 1.25;
const LONGEST_WAIT_MS = 15_000;

/**
 * Submits the generation once the provider has room under its concurrency limit. The wait is a
 * durable timer: it holds no worker slot, survives restarts and shows in the history.
 */
export async function submitWhenProviderHasRoom(request: GenerationRequest): Promise<GenerationTask> {
  for (let waits = 0; ; waits++) {
    const answer = await submitGeneration(request);
    if (!isBusy(answer)) return answer;
    await sleep(Math.round(Math.min(LONGEST_WAIT_MS, answer.retryAfterMs * GROWTH ** waits)));
  }
}

function isBusy(answer: GenerationTask | ProviderBusy): answer is ProviderBusy {
  return 'busy' in answer && answer.busy;
}
