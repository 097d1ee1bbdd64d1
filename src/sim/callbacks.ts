import type { FastifyBaseLogger } from 'fastify';
import type { CallCounts } from './call-counts';
import type { SimTask, TaskOutcome, TaskStore } from './task-store';

/** A callback as the provider would send it: its body and any headers of its own. */
export interface CallbackMessage {
  body: unknown;
  headers?: Record<string, string>;
}

/** One try each: the product polls anyway, so a lost callback costs only its early finish. */
const CALLBACK_TIMEOUT_MS = 5_000;

/**
 * Calls back the URL a task was created with once the task ends, as PiAPI and fal do for tasks
 * submitted with a webhook. A cancelled task is not called back: its client asked for the end.
 */
export class SimCallbacks {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly sending = new Set<AbortController>();

  constructor(
    private readonly tasks: TaskStore,
    private readonly counts: CallCounts,
    private readonly log: () => FastifyBaseLogger,
  ) {}

  /** `message` shapes the provider's callback from the ended task's outcome (never queued or running). */
  whenEnded(task: SimTask, url: string, message: (outcome: TaskOutcome) => CallbackMessage): void {
    const due = task.createdAt.getTime() + task.latencyMs - Date.now();
    // A timer may fire a millisecond before the wall clock says the task ended (timers run on
    // the monotonic clock): the task would still read as running and the callback be lost.
    if (due > 0) {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.whenEnded(task, url, message);
      }, due);
      this.timers.add(timer);
      return;
    }
    void this.send(task, url, message);
  }

  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const controller of this.sending) controller.abort();
  }

  private async send(task: SimTask, url: string, message: (outcome: TaskOutcome) => CallbackMessage): Promise<void> {
    // Waits for the bytes, so the output a callback names is there when the product looks.
    const outcome = await this.tasks.outcome(task, Infinity);
    if (outcome.state === 'queued' || outcome.state === 'running' || outcome.state === 'cancelled') return;
    const { body, headers } = message(outcome);
    const controller = new AbortController();
    this.sending.add(controller);
    this.counts.count(task.provider, 'callbacks');
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
        signal: AbortSignal.any([controller.signal, AbortSignal.timeout(CALLBACK_TIMEOUT_MS)]),
      });
      await response.body?.cancel();
      if (!response.ok) throw new Error(`answered ${response.status}`);
    } catch (error) {
      this.counts.count(task.provider, 'callbackFailures');
      this.log().warn({ taskId: task.id, reason: error instanceof Error ? error.message : String(error) }, 'callback failed');
    } finally {
      this.sending.delete(controller);
    }
  }
}
