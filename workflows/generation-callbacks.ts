import { setHandler } from '@temporalio/workflow';
import { generationCallbackSignal } from './messages';

/**
 * The provider tasks this workflow was told (generationCallback) have ended. Workflow module
 * state is the workflow's own. A callback only says "look now": the generation under way looks
 * at once instead of at its next scheduled look; one for a task already collected is ignored.
 */
const heard = new Set<string>();
const collected = new Set<string>();
let listening = false;

/** Installs the handler once; a signal sent before that is delivered to it when installed. */
export function listenForGenerationCallbacks(): void {
  if (listening) return;
  listening = true;
  setHandler(generationCallbackSignal, (callback) => {
    // Validated here: a signal that does not fit changes nothing.
    if (typeof callback?.taskId === 'string' && callback.taskId !== '') heard.add(callback.taskId);
  });
}

/** Callbacks for tasks not yet collected: each is a reason to look now. */
export function callbacksPending(): number {
  let pending = 0;
  for (const taskId of heard) if (!collected.has(taskId)) pending++;
  return pending;
}

/** The task's output is in: its callback, early or late, asks for nothing more. */
export function markCollected(taskId: string): void {
  collected.add(taskId);
}
