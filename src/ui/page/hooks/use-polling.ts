import { useEffect, useRef } from 'react';

/**
 * Calls `poll` now and then again `intervalMs` after each call settles, so a slow server never
 * gets overlapping requests. A new interval takes effect at once; `refreshKey` changes restart it.
 */
export function usePolling(poll: () => Promise<void>, intervalMs: number, refreshKey: unknown = undefined): void {
  const latest = useRef(poll);
  latest.current = poll;

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async (): Promise<void> => {
      try {
        await latest.current();
      } finally {
        if (!stopped) timer = setTimeout(() => void run(), intervalMs);
      }
    };
    void run();
    return () => {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [intervalMs, refreshKey]);
}
