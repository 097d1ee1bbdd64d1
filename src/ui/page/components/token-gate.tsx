import { useState } from 'react';
import { ApiClient, ApiError } from '../api/api-client';

interface TokenGateProps {
  /** Why the page is asking (again), e.g. the server refused the saved token. */
  notice?: string;
  onAccepted(token: string): void;
}

/** Asks for the API token once per tab and checks it with the server before keeping it. */
export function TokenGate({ notice, onAccepted }: TokenGateProps) {
  const [token, setToken] = useState('');
  const [checking, setChecking] = useState(false);
  const [error, setError] = useState<string>();

  const submit = async (): Promise<void> => {
    const candidate = token.trim();
    if (!candidate) return;
    setChecking(true);
    setError(undefined);
    try {
      await new ApiClient(candidate).listReviewQueue({ status: 'pending' });
      onAccepted(candidate);
    } catch (caught) {
      if (caught instanceof ApiError && caught.unauthorized) {
        setError(`The server refused this token (${caught.message}). Check REVIEW_API_TOKEN and try again.`);
      } else {
        setError(caught instanceof Error ? caught.message : String(caught));
      }
    } finally {
      setChecking(false);
    }
  };

  return (
    <main className="token-gate">
      <form
        aria-labelledby="token-title"
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <h1 id="token-title">Scene review</h1>
        <p>Enter the review API token. It is kept in this browser tab only, until the tab is closed.</p>
        {notice && (
          <p className="notice" role="status">
            {notice}
          </p>
        )}
        <label htmlFor="api-token">API token</label>
        <input
          id="api-token"
          type="password"
          autoComplete="off"
          autoFocus
          required
          value={token}
          onChange={(event) => setToken(event.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'token-error' : undefined}
        />
        {error && (
          <p id="token-error" className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={checking || token.trim() === ''}>
          {checking ? 'Checking…' : 'Continue'}
        </button>
      </form>
    </main>
  );
}
