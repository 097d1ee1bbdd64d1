import { readFileSync } from 'node:fs';

/**
 * CPU time and memory of a process from /proc, so the dev server (a Go binary we spawn) and the
 * worker are measured the same way, every thread included (Temporal's Rust core runs in threads).
 * Linux only, like the machines these benchmarks run on.
 */

const CLOCK_TICKS_PER_SECOND = 100;
const MB = 1024 * 1024;

/**
 * User + system CPU seconds the process has used so far, with those of its finished children:
 * ffmpeg and ffprobe run as children of the worker (frames, scans) and of the simulator (clips).
 */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces; fields after its closing parenthesis are fixed.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const [utime, stime, cutime, cstime] = fields.slice(11, 15).map(Number);
  return (utime + stime + cutime + cstime) / CLOCK_TICKS_PER_SECOND;
}

/** Resident memory now (VmRSS) and its peak so far (VmHWM), in MB. */
export function memoryMb(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: (kb('VmRSS') * 1024) / MB, peak: (kb('VmHWM') * 1024) / MB };
}

/** Whole-machine busy and total CPU seconds (all cores), to tell "our process" from "the box is full". */
export function machineCpu(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = values[3] + (values[4] ?? 0);
  const total = values.reduce((sum, value) => sum + value, 0);
  return { busy: (total - idle) / CLOCK_TICKS_PER_SECOND, total: total / CLOCK_TICKS_PER_SECOND };
}

export function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}

/** CPU used by a set of processes between start() and stop(), as seconds and as % of one core. */
export class CpuMeter {
  private readonly startedAt = process.hrtime.bigint();
  private readonly start: Map<number, number>;
  private readonly machineStart = machineCpu();

  constructor(private readonly pids: Record<string, number>) {
    this.start = new Map(Object.values(pids).map((pid) => [pid, cpuSeconds(pid)]));
  }

  read(): { wallSeconds: number; perProcess: Record<string, { cpuSeconds: number; percentOfCore: number }>; machineBusyPercent: number } {
    const wallSeconds = Number(process.hrtime.bigint() - this.startedAt) / 1e9;
    const perProcess: Record<string, { cpuSeconds: number; percentOfCore: number }> = {};
    for (const [name, pid] of Object.entries(this.pids)) {
      const used = cpuSeconds(pid) - (this.start.get(pid) ?? 0);
      perProcess[name] = { cpuSeconds: used, percentOfCore: (used / wallSeconds) * 100 };
    }
    const machine = machineCpu();
    const busy = machine.busy - this.machineStart.busy;
    const total = machine.total - this.machineStart.total;
    return { wallSeconds, perProcess, machineBusyPercent: total > 0 ? (busy / total) * 100 : 0 };
  }
}
