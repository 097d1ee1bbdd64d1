import { setHandler } from '@temporalio/workflow';
import { generationCallbackSignal } from './messages';

/**
 * The provider tasks this workflow was told (generationCallback) have ended. Workflow module
 * state is the workflow's own, and a callback may come before the wait for its task starts
 * (a quick task, a slow submit): so every callback is remembered, not only the awaited one.
 */
const calledBack = new Set<string>();
let listening = false;

/** Installs the handler once; a signal sent before that is delivered to it when installed. */
export function listenForGenerationCallbacks(): void {
  if (listening) return;
  listening = true;
  setHandler(generationCallbackSignal, (callback) => {
    // Validated here: a signal that does not fit changes nothing.
    if (typeof callback?.taskId === 'string' && callback.taskId !== '') calledBack.add(callback.taskId);
  });
}

export function wasCalledBack(taskId: string): boolean {
  return calledBack.has(taskId);
}
