import { memoryMb } from './proc-stats';

/**
 * Highest resident memory of some processes over a stretch of time. VmHWM would include the
 * worker's start (bundling the workflows with webpack), which is not what a run costs.
 */
export class MemorySampler {
  private readonly peaks: Record<string, number> = {};
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly pids: Record<string, number>, everyMs = 250) {
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
  }

  private sample(): void {
    for (const [name, pid] of Object.entries(this.pids)) {
      try {
        this.peaks[name] = Math.max(this.peaks[name] ?? 0, memoryMb(pid).rss);
      } catch {
        // The process is gone; its last peak stands.
      }
    }
  }

  stop(): Record<string, { peakMb: number; nowMb: number }> {
    clearInterval(this.timer);
    this.sample();
    return Object.fromEntries(
      Object.entries(this.pids).map(([name, pid]) => [name, { peakMb: this.peaks[name] ?? NaN, nowMb: safeRss(pid) }]),
    );
  }
}

function safeRss(pid: number): number {
  try {
    return memoryMb(pid).rss;
  } catch {
    return NaN;
  }
}
