import { useState } from 'react';
import { useSession } from '../session';

/**
 * A request a person sends from the page: `sending` while it is under way, `error` in words when
 * it failed. `send` runs the request; `onFailure` runs after a failure is shown (a refresh, say).
 */
export function useSend(): {
  sending: boolean;
  error: string | undefined;
  clearError(): void;
  send(request: () => Promise<void>, onFailure?: () => Promise<void>): Promise<void>;
} {
  const session = useSession();
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string>();
  const send = async (request: () => Promise<void>, onFailure?: () => Promise<void>): Promise<void> => {
    setSending(true);
    setError(undefined);
    try {
      await request();
    } catch (caught) {
      setError(session.describeError(caught));
      await onFailure?.().catch(() => undefined);
    } finally {
      setSending(false);
    }
  };
  return { sending, error, clearError: () => setError(undefined), send };
}
