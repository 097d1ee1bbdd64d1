import fs from 'node:fs';

export type EmbeddedLock =
  | { acquired: true; release: () => void }
  /** `holder`: the live process that owns the embedded database. */
  | { acquired: false; holder: number };

/**
 * The embedded database is one process's memory over files: a second process opening the same
 * directory would corrupt it. A pid file names the one process that opens it (the others reach
 * it through that process); a file left by a process that died is taken over.
 */
export function tryAcquireEmbeddedLock(lockPath: string): EmbeddedLock {
  for (let tries = 0; tries < 2; tries += 1) {
    try {
      fs.writeFileSync(lockPath, String(process.pid), { flag: 'wx' });
      return { acquired: true, release: () => releaseLock(lockPath) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readHolder(lockPath);
      if (holder !== undefined && isAlive(holder)) return { acquired: false, holder };
      fs.rmSync(lockPath, { force: true });
    }
  }
  throw new Error(`Could not take the embedded database lock ${lockPath}: another process is starting on it`);
}

function releaseLock(lockPath: string): void {
  // Only our own lock: a process that took over a stale file must keep its claim.
  if (readHolder(lockPath) === process.pid) fs.rmSync(lockPath, { force: true });
}

function readHolder(lockPath: string): number | undefined {
  try {
    const pid = Number.parseInt(fs.readFileSync(lockPath, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
