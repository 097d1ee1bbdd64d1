import { useCallback, useEffect, useMemo, useState } from 'react';
import type { RegenerationState, ReviewEntry, Scene } from '../api/types';
import { ApiError } from '../api/api-client';
import { usePolling } from '../hooks/use-polling';
import { useNow } from '../hooks/use-now';
import { routeHref } from '../hooks/use-hash-route';
import { buildRoundView } from '../model/round-view';
import { useSession, type DecisionInFlight } from '../session';
import { CandidateCard } from './candidate-card';
import { DecisionHistory } from './decision-history';
import { CancelRound } from './cancel-round';
import { DecisionPanel } from './decision-panel';
import { AuditPanel } from './audit-panel';
import { AUDIT_REASON } from '../../../rules/audit';
import { ManualRegenerate } from './manual-regenerate';
import { NotificationList } from './notification-list';
import { RoundStatus } from './round-status';
import { SceneSummary } from './scene-summary';

const FAST_POLL_MS = 2_000;
const SLOW_POLL_MS = 10_000;

interface Loaded {
  scene: Scene;
  state: RegenerationState | undefined;
  /** This scene's queue entries, newest first. */
  entries: ReviewEntry[];
  /** Set when Temporal did not answer the state query; the database view is shown meanwhile. */
  stateError?: string;
}

/** Everything about one scene: its attempts side by side and the reviewer's decision. */
export function SceneView({ sceneId }: { sceneId: number }) {
  const session = useSession();
  const now = useNow(1_000);
  const [loaded, setLoaded] = useState<Loaded>();
  const [error, setError] = useState<string>();
  const [selectedKey, setSelectedKey] = useState<string>();
  const [watched, setWatched] = useState<DecisionInFlight>();
  const [manualRoundRequested, setManualRoundRequested] = useState(false);

  const inFlight = useMemo(() => [...session.inFlight.values()].find((d) => d.sceneId === sceneId), [session.inFlight, sceneId]);
  useEffect(() => {
    if (inFlight) setWatched(inFlight);
  }, [inFlight]);

  const load = useCallback(async () => {
    try {
      const scene = await session.api.getScene(sceneId);
      const [stateResult, entries] = await Promise.all([
        session.api.getRegenerationState(sceneId).then(
          (state) => ({ state, stateError: undefined }),
          (caught: unknown) => {
            if (caught instanceof ApiError && caught.unauthorized) throw caught;
            return { state: undefined, stateError: session.describeError(caught) };
          },
        ),
        session.api.listReviewQueue({ status: 'all', projectId: scene.projectId }),
      ]);
      setLoaded({ scene, ...stateResult, entries: entries.filter((e) => e.sceneId === sceneId) });
      setError(undefined);
    } catch (caught) {
      setError(session.describeError(caught));
    }
  }, [session, sceneId]);

  const running = loaded?.state?.status === 'regenerating' || loaded?.scene.status === 'regenerating';
  // Between the workflow closing the entry and saving the scene's outcome the record still says
  // "awaiting review" with no pending entry: keep looking closely until it settles.
  const settling =
    loaded !== undefined && loaded.scene.status === 'awaiting_review' && !loaded.entries.some((e) => e.status === 'pending');
  const fast = inFlight !== undefined || running || settling || manualRoundRequested;
  usePolling(load, fast ? FAST_POLL_MS : SLOW_POLL_MS, sceneId);

  // While the page waits for a new round to show up, stop waiting once the round reports.
  useEffect(() => {
    if (manualRoundRequested && loaded?.state?.status === 'regenerating') setManualRoundRequested(false);
  }, [manualRoundRequested, loaded?.state?.status]);

  if (!loaded) {
    return error ? (
      <p className="error" role="alert">
        {error}
      </p>
    ) : (
      <p className="muted" role="status">
        Loading scene {sceneId}…
      </p>
    );
  }

  const { scene, state, entries } = loaded;
  const pendingEntry = entries.find((e) => e.status === 'pending');
  const latestDecided = entries.find((e) => e.status === 'decided');
  const decided = watched && !inFlight ? entries.find((e) => e.id === watched.entryId && e.status === 'decided') : undefined;
  // The workflow closes the entry before it saves the scene's outcome: "done" waits for the scene
  // record (or a new round) so the header never contradicts it.
  const sceneSettled = scene.status !== 'awaiting_review' && scene.status !== 'regenerating';
  const carriedOut = decided && (sceneSettled || running) ? decided : undefined;
  const savingOutcome = decided && !carriedOut ? decided : undefined;
  const roundView = buildRoundView(scene, pendingEntry ?? entries[0], state);
  // An audit's round is over: it is answered beside the passed scene, not in a round that waits.
  const audit = pendingEntry?.reason === AUDIT_REASON && inFlight === undefined ? pendingEntry : undefined;
  const canDecide = pendingEntry !== undefined && !audit && inFlight === undefined && roundView.runOpen && roundView.round === pendingEntry.round;
  const selected = canDecide ? roundView.candidates.find((c) => c.key === selectedKey && c.approvable) : undefined;
  const hasAttempts = roundView.candidates.length > 1;
  // An attempt that made several candidates shows a card for each: count attempts, not cards.
  const attemptCount = new Set(roundView.candidates.filter((c) => c.attemptNumber > 0).map((c) => c.attemptNumber)).size;

  return (
    <div className="scene-view">
      <nav className="breadcrumb" aria-label="Breadcrumb">
        <a href={routeHref({ view: 'queue', status: 'pending' })}>← Review queue</a>
      </nav>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <SceneSummary scene={scene} />
      <RoundStatus
        now={now}
        pendingEntry={pendingEntry}
        inFlight={inFlight}
        carriedOut={carriedOut}
        savingOutcome={savingOutcome}
        latestDecided={latestDecided}
        state={state}
        manualRoundRequested={manualRoundRequested}
      />
      {loaded.stateError && <p className="hint">Live round state unavailable ({loaded.stateError}); showing what the database recorded.</p>}
      {roundView.runOpen && (running || pendingEntry !== undefined) && inFlight === undefined && (
        <CancelRound sceneId={scene.id} onRequested={() => void load()} />
      )}
      {audit && <AuditPanel key={audit.id} entry={audit} />}
      {canDecide && <DecisionPanel key={pendingEntry.id} entry={pendingEntry} scene={scene} roundView={roundView} selected={selected} />}
      {!pendingEntry && !roundView.runOpen && !running && scene.analysis && (
        <ManualRegenerate scene={scene} bestPrompt={roundView.bestPrompt} onStarted={() => setManualRoundRequested(true)} />
      )}
      <section aria-labelledby="attempts-title">
        <h2 id="attempts-title">
          {hasAttempts ? `Round ${roundView.round}: ${attemptCount} attempt${attemptCount === 1 ? '' : 's'}` : 'Asset'}
          {hasAttempts && <span className="muted small"> beside {roundView.runOpen ? 'the asset it started from' : 'the scene as it is now'}</span>}
        </h2>
        <div className="candidates" role={canDecide ? 'radiogroup' : undefined} aria-label={canDecide ? 'Choose what to approve' : undefined}>
          {roundView.candidates.map((candidate) => (
            <CandidateCard
              key={candidate.key}
              candidate={candidate}
              scene={scene}
              selection={
                canDecide
                  ? { selected: candidate.key === selectedKey, onSelect: () => setSelectedKey(candidate.key), groupName: `choose-${scene.id}` }
                  : undefined
              }
            />
          ))}
        </div>
      </section>
      {roundView.earlierRounds.map(({ round, attempts }) => (
        <details key={round} className="earlier-round">
          <summary>
            Round {round}: {attempts.length} attempt{attempts.length === 1 ? '' : 's'}
          </summary>
          <div className="candidates">
            {attempts.map((candidate) => (
              <CandidateCard key={candidate.key} candidate={candidate} scene={scene} />
            ))}
          </div>
        </details>
      ))}
      <DecisionHistory entries={entries.filter((e) => e.status === 'decided')} />
      <NotificationList notifications={scene.notifications ?? []} now={now} />
    </div>
  );
}
