import { ActivityFailure, CancellationScope, condition, isCancellation, TimeoutFailure } from '@temporalio/workflow';
import type { CancelledGeneration, GeneratedAsset, GenerateRequest } from '../src/domain/generation';
import { cancelGeneration, generateAsset } from './activities';
import { callbacksPending, listenForGenerationCallbacks, markCollected } from './generation-callbacks';

/**
 * A generation the round stopped: cancelled with the round, or past its backstop. Its task was
 * cancelled at the provider; `stopped` says which task it was and what the provider bills for it.
 */
export class GenerationStopped extends Error {
  override readonly name = 'GenerationStopped';
  constructor(
    readonly stopped: CancelledGeneration,
    override readonly cause: unknown,
  ) {
    super('Generation stopped');
  }
}

/**
 * One generation, submitted when the provider has room and looked at until done
 * (activities/generation.ts). When the provider calls back that a task ended (PROVIDER_WEBHOOKS:
 * fal and PiAPI), the look pending on Temporal's retry timer is cancelled and a new one runs at
 * once; it finds the same task in the ledger. The schedule-to-close is a backstop to the
 * activity's own deadlines. A generation the round no longer wants (cancelled, or past the
 * backstop) is cancelled at the provider so it stops costing money: GenerationStopped.
 */
export async function generate(request: GenerateRequest, label: string): Promise<GeneratedAsset> {
  listenForGenerationCallbacks();
  const scheduleToCloseTimeout = request.submitBy - Date.now() + request.deadlineMs + BACKSTOP_MS;
  const run = () => generateAsset.executeWithOptions({ summary: `${label} · generate`, scheduleToCloseTimeout }, [request]);
  try {
    for (;;) {
      const heardBefore = callbacksPending();
      const looked = await untilCalledBack(run, () => callbacksPending() > heardBefore);
      if (looked !== undefined) {
        markCollected(looked.taskId);
        return looked;
      }
    }
  } catch (error) {
    if (!isCancellation(error) && !pastBackstop(error)) throw error;
    const stopped = await CancellationScope.nonCancellable(() =>
      cancelGeneration.executeWithOptions({ summary: `${label} · cancel` }, [{ idempotencyKey: request.idempotencyKey }]),
    );
    throw new GenerationStopped(stopped, error);
  }
}

/** The backstop ended the generation: Temporal's schedule-to-close, not the activity's own deadline. */
export function pastBackstop(error: unknown): boolean {
  return error instanceof ActivityFailure && error.cause instanceof TimeoutFailure;
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
