import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ApiClient, ApiError, loadUiConfig } from './api/api-client';
import { tokenStore } from './api/token-store';
import type { ReviewEntry, UiConfig } from './api/types';
import { InsightsView } from './components/insights-view';
import { QueueView } from './components/queue-view';
import { SceneView } from './components/scene-view';
import { TokenGate } from './components/token-gate';
import { routeHref, useHashRoute } from './hooks/use-hash-route';
import { usePolling } from './hooks/use-polling';
import { SessionContext, type DecisionInFlight, type Session } from './session';

const FAST_POLL_MS = 2_000;
const SLOW_POLL_MS = 10_000;
/**
 * A decision the workflow ignored (it was no longer awaiting review, say) never closes its
 * entry. After this long the page stops waiting and offers the choice again; the API accepts a
 * new decision for the entry after its own 60 s hold.
 */
const GIVE_UP_AFTER_MS = 75_000;

export function App() {
  const [token, setToken] = useState(() => tokenStore.read());
  const [notice, setNotice] = useState<string>();
  const [config, setConfig] = useState<UiConfig>();

  useEffect(() => {
    void loadUiConfig().then(setConfig);
  }, []);

  const signOut = useCallback((why?: string) => {
    tokenStore.clear();
    setToken(undefined);
    setNotice(why);
  }, []);

  if (!token) {
    return (
      <TokenGate
        notice={notice}
        onAccepted={(accepted) => {
          tokenStore.write(accepted);
          setNotice(undefined);
          setToken(accepted);
        }}
      />
    );
  }
  if (!config) return <p className="muted">Loading…</p>;
  return <SignedIn key={token} token={token} config={config} onSignOut={signOut} />;
}

function SignedIn({ token, config, onSignOut }: { token: string; config: UiConfig; onSignOut(why?: string): void }) {
  const api = useMemo(() => new ApiClient(token), [token]);
  const route = useHashRoute();
  const [pending, setPending] = useState<ReviewEntry[]>();
  const [inFlight, setInFlight] = useState<ReadonlyMap<number, DecisionInFlight>>(new Map());
  const [announcement, setAnnouncement] = useState<string>();
  const [warning, setWarning] = useState<string>();
  const inFlightRef = useRef(inFlight);
  inFlightRef.current = inFlight;

  const describeError = useCallback(
    (error: unknown): string => {
      if (error instanceof ApiError && error.unauthorized) {
        onSignOut(`The server refused the token this tab had (${error.message}). Enter a valid one.`);
        return error.message;
      }
      return error instanceof Error ? error.message : String(error);
    },
    [onSignOut],
  );

  const refreshPending = useCallback(async () => {
    try {
      const entries = await api.listReviewQueue({ status: 'pending' });
      setPending(entries);
      // A decision is carried out once the workflow has closed its entry.
      const open = new Set(entries.map((e) => e.id));
      const waiting = [...inFlightRef.current.values()];
      const done = waiting.filter((d) => !open.has(d.entryId));
      const stalled = waiting.filter((d) => open.has(d.entryId) && Date.now() - d.sentAt > GIVE_UP_AFTER_MS);
      if (done.length > 0 || stalled.length > 0) {
        setInFlight((current) => {
          const next = new Map(current);
          for (const decision of [...done, ...stalled]) next.delete(decision.entryId);
          return next;
        });
      }
      if (done.length > 0) setAnnouncement(done.map((d) => `${d.description} for scene ${d.sceneId}: carried out.`).join(' '));
      if (stalled.length > 0) {
        setWarning(
          stalled
            .map((d) => `“${d.description}” for scene ${d.sceneId} was not carried out within a minute: the workflow may have refused it (its history in Temporal says why). The entry is open again.`)
            .join(' '),
        );
      }
    } catch (error) {
      describeError(error);
    }
  }, [api, describeError]);

  usePolling(refreshPending, inFlight.size > 0 ? FAST_POLL_MS : SLOW_POLL_MS);

  const session = useMemo<Session>(
    () => ({
      api,
      config,
      pending,
      refreshPending,
      inFlight,
      markInFlight: (decision) => setInFlight((current) => new Map(current).set(decision.entryId, decision)),
      describeError,
    }),
    [api, config, pending, refreshPending, inFlight, describeError],
  );

  const pendingCount = pending?.length;
  useEffect(() => {
    document.title = pendingCount ? `(${pendingCount}) Scene review` : 'Scene review';
  }, [pendingCount]);

  return (
    <SessionContext.Provider value={session}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <a className="brand" href={routeHref({ view: 'queue', status: 'pending' })}>
          Scene review
        </a>
        <nav aria-label="Main">
          <a href={routeHref({ view: 'queue', status: 'pending' })} aria-current={route.view === 'queue' ? 'page' : undefined}>
            Queue{' '}
            {pendingCount !== undefined && (
              // Orange only when something waits: an empty queue asks nothing of anyone.
              <span className={pendingCount > 0 ? 'count-badge waiting' : 'count-badge'} aria-label={`${pendingCount} pending`}>
                {pendingCount}
              </span>
            )}
          </a>
          <a href={routeHref({ view: 'insights' })} aria-current={route.view === 'insights' ? 'page' : undefined}>
            Insights
          </a>
        </nav>
        <button type="button" className="link-button" onClick={() => onSignOut()}>
          Change token
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        {warning && (
          <div className="notice dismissible" role="alert">
            <span>{warning}</span>
            <button type="button" onClick={() => setWarning(undefined)}>
              Dismiss
            </button>
          </div>
        )}
        {route.view === 'scene' ? (
          <SceneView key={route.sceneId} sceneId={route.sceneId} />
        ) : route.view === 'insights' ? (
          <InsightsView projectId={route.projectId} />
        ) : (
          <QueueView status={route.status} projectId={route.projectId} />
        )}
      </main>
      <div className="announcer" role="status" aria-live="polite">
        {announcement}
      </div>
    </SessionContext.Provider>
  );
}
