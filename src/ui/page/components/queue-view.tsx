import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ReviewEntry, ReviewStatusFilter, Scene } from '../api/types';
import { routeHref } from '../hooks/use-hash-route';
import { usePolling } from '../hooks/use-polling';
import { useNow } from '../hooks/use-now';
import { useSession } from '../session';
import { QueueEntryCard } from './queue-entry-card';
import { QueueFilters } from './queue-filters';

const FAST_POLL_MS = 2_000;
const SLOW_POLL_MS = 10_000;

/** The review queue, newest first, with the scene behind each entry. */
export function QueueView({ status, projectId }: { status: ReviewStatusFilter; projectId: number | undefined }) {
  const session = useSession();
  const now = useNow();
  const [fetched, setFetched] = useState<{ key: string; entries: ReviewEntry[] }>();
  const [error, setError] = useState<string>();
  const [scenes, setScenes] = useState<ReadonlyMap<number, Scene>>(new Map());
  const requestedScenes = useRef(new Set<number>());
  // Project ids seen in any listing, with their names, for the project filter.
  const [seenProjects, setSeenProjects] = useState<ReadonlyMap<number, string | undefined>>(new Map());

  // Pending entries come from the app's own poll; other filters ask the server.
  const key = `${status}:${projectId ?? ''}`;
  const loadOthers = useCallback(async () => {
    if (status === 'pending') return;
    try {
      const entries = await session.api.listReviewQueue({ status, projectId });
      setFetched({ key, entries });
      setError(undefined);
    } catch (caught) {
      setError(session.describeError(caught));
    }
  }, [session, status, projectId, key]);
  usePolling(loadOthers, session.inFlight.size > 0 ? FAST_POLL_MS : SLOW_POLL_MS, key);

  const entries = useMemo(() => {
    if (status === 'pending') return session.pending?.filter((e) => projectId === undefined || e.projectId === projectId);
    return fetched?.key === key ? fetched.entries : undefined;
  }, [status, projectId, session.pending, fetched, key]);

  useEffect(() => {
    const listed = [...(session.pending ?? []), ...(entries ?? [])];
    setSeenProjects((seen) => {
      const fresh = listed.filter((e) => !seen.has(e.projectId) || (e.projectName !== undefined && seen.get(e.projectId) !== e.projectName));
      if (fresh.length === 0) return seen;
      const next = new Map(seen);
      for (const e of fresh) next.set(e.projectId, e.projectName ?? next.get(e.projectId));
      return next;
    });
  }, [entries, session.pending]);

  // Narration and visual direction live on the scene: fetched once per scene shown.
  useEffect(() => {
    for (const entry of entries ?? []) {
      if (requestedScenes.current.has(entry.sceneId)) continue;
      requestedScenes.current.add(entry.sceneId);
      session.api.getScene(entry.sceneId).then(
        (scene) => setScenes((known) => new Map(known).set(scene.id, scene)),
        () => requestedScenes.current.delete(entry.sceneId),
      );
    }
  }, [entries, session.api]);

  const projects = [...new Set([...seenProjects.keys(), ...(projectId === undefined ? [] : [projectId])])]
    .sort((a, b) => a - b)
    .map((id) => ({ id, name: seenProjects.get(id) }));
  const heading = status === 'pending' ? 'Waiting for review' : status === 'decided' ? 'Decided' : 'All entries';

  return (
    <div className="queue-view">
      <div className="queue-title-row">
        <h1>
          {heading}{' '}
          {entries && (
            <span className="count-badge big" aria-label={`${entries.length} entries`}>
              {entries.length}
            </span>
          )}
        </h1>
        <QueueFilters status={status} projectId={projectId} projects={projects} />
        {projectId !== undefined && (
          <a className="small" href={routeHref({ view: 'insights', projectId })}>
            This project&rsquo;s insights
          </a>
        )}
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {entries === undefined ? (
        <p className="muted" role="status">
          Loading the queue…
        </p>
      ) : entries.length === 0 ? (
        <p className="empty" role="status">
          {status === 'pending' ? 'Nothing is waiting for review.' : 'No entries match these filters.'}
        </p>
      ) : (
        <ul className="queue" aria-label={heading}>
          {entries.map((entry) => (
            <QueueEntryCard
              key={entry.id}
              entry={entry}
              scene={scenes.get(entry.sceneId)}
              now={now}
              inFlight={session.inFlight.get(entry.id)}
            />
          ))}
        </ul>
      )}
    </div>
  );
}
