import { CancellationScope, condition, isCancellation } from '@temporalio/workflow';
import type { GeneratedAsset, GenerateRequest } from '../src/domain/generation';
import { generateAsset } from './activities';
import { callbacksPending, listenForGenerationCallbacks, markCollected } from './generation-callbacks';

/**
 * One generation, submitted when the provider has room and looked at until done
 * (activities/generation.ts). When the provider calls back that a task ended (PROVIDER_WEBHOOKS:
 * fal and PiAPI), the look pending on Temporal's retry timer is cancelled and a new one runs at
 * once; it finds the same task in the ledger. The schedule-to-close is a backstop to the
 * activity's own deadlines.
 */
export async function generate(request: GenerateRequest, summary: string): Promise<GeneratedAsset> {
  listenForGenerationCallbacks();
  const scheduleToCloseTimeout = request.submitBy - Date.now() + request.deadlineMs + BACKSTOP_MS;
  const run = () => generateAsset.executeWithOptions({ summary, scheduleToCloseTimeout }, [request]);
  for (;;) {
    const heardBefore = callbacksPending();
    const looked = await untilCalledBack(run, () => callbacksPending() > heardBefore);
    if (looked !== undefined) {
      markCollected(looked.taskId);
      return looked;
    }
  }
}

/** Time for storing the output after the deadline, and for Temporal's own timers. */
const BACKSTOP_MS = 15 * 60_000;

/**
 * Runs the generation until it ends or a callback comes, whichever is first; on a callback the
 * pending execution is cancelled (its cancellation is ours, not the round's) and undefined
 * returned. A cancellation of the round reaches the generation through the scope and is thrown.
 */
async function untilCalledBack(run: () => Promise<GeneratedAsset>, calledBack: () => boolean): Promise<GeneratedAsset | undefined> {
  const scope = new CancellationScope();
  const running = scope.run(run);
  let settled = false;
  // Handled here so an outcome nobody awaits (after a callback) is no unhandled rejection.
  running.then(
    () => (settled = true),
    () => (settled = true),
  );
  await condition(() => settled || calledBack());
  if (settled) return await running;
  scope.cancel();
  try {
    // The look may have ended just as the callback came: its output is as good as a new look's.
    return await running;
  } catch (error) {
    if (!isCancellation(error) || CancellationScope.current().consideredCancelled) throw error;
    return undefined;
  }
}
