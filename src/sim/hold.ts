import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Keeps "timeout" faults' requests open without blocking shutdown: stopping the simulator
 * releases every held request at once instead of waiting out the fault's delay.
 */
export class RequestHolds {
  private controller = new AbortController();

  /** Resolves true after `ms`, or false as soon as the simulator stops. */
  async hold(ms: number): Promise<boolean> {
    try {
      await sleep(ms, undefined, { signal: this.controller.signal });
      return true;
    } catch {
      return false;
    }
  }

  releaseAll(): void {
    this.controller.abort();
    this.controller = new AbortController();
  }
}
