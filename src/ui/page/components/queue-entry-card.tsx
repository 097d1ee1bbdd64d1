import { projectLabel } from '../model/project-label';
import type { ReviewEntry, Scene } from '../api/types';
import { routeHref } from '../hooks/use-hash-route';
import { describeEscalationReason, escalationTag } from '../model/escalation-text';
import { formatWaited } from '../model/format';
import { summarizeEntry } from '../model/queue-entry-summary';
import { aspectRatioOf } from '../model/round-view';
import type { DecisionInFlight } from '../session';
import { DecidedLine } from './decision-history';
import { MediaBox } from './media-box';
import { ScoreBadge } from './score-badge';
import { TemporalLink } from './temporal-link';

interface QueueEntryCardProps {
  entry: ReviewEntry;
  scene: Scene | undefined;
  now: number;
  inFlight: DecisionInFlight | undefined;
}

/** One scene waiting for (or having had) a decision, with enough to judge whether to open it. */
export function QueueEntryCard({ entry, scene, now, inFlight }: QueueEntryCardProps) {
  const summary = summarizeEntry(entry);
  const reasonTag = escalationTag(entry.reason);
  const shownAttempt = typeof summary.shown === 'object' ? summary.shown.attempt : undefined;
  const thumbnailUrl = summary.shown === 'none' ? undefined : (shownAttempt?.assetUrl ?? scene?.assetUrl);
  const thumbnailAsset = summary.shown === 'none' ? undefined : shownAttempt ? shownAttempt.asset : scene?.asset;
  const href = routeHref({ view: 'scene', sceneId: entry.sceneId });
  const title = `${projectLabel(entry.projectId, entry.projectName)} · Scene ${entry.sceneIndex}`;
  return (
    <li className={`queue-entry${inFlight ? ' in-flight' : ''}`} data-entry-id={entry.id} data-scene-id={entry.sceneId}>
      <a className="thumbnail" href={href} tabIndex={-1} aria-hidden="true">
        {scene ? (
          <MediaBox url={thumbnailUrl} asset={thumbnailAsset} aspectRatio={aspectRatioOf(thumbnailAsset, scene)} label={`${summary.score?.label === 'Kept' ? 'Kept' : 'Best'} asset of ${title}`}
            emptyText={summary.shown === 'none' ? 'No asset kept' : undefined} compact />
        ) : (
          <div className="media-box media-empty" style={{ aspectRatio: '16 / 9' }} />
        )}
      </a>
      <div className="queue-entry-body">
        <div className="queue-entry-head">
          <h2>
            <a href={href}>{title}</a>
          </h2>
          {summary.score && <ScoreBadge score={summary.score.value} label={summary.score.label} />}
          <span className="count-badge" title="Attempts in this round">
            {entry.attempts.length} attempt{entry.attempts.length === 1 ? '' : 's'}
          </span>
          <span className="tag">round {entry.round}</span>
          {reasonTag && (
            <span className="tag tag-reason" title={`Waits for a person because ${describeEscalationReason(entry.reason)}${entry.reasonDetail ? `. ${entry.reasonDetail}` : ''}`}>
              {reasonTag}
            </span>
          )}
          {entry.status === 'pending' && (
            <span className="waited" title={`In the queue since ${new Date(entry.createdAt).toLocaleString()}`}>
              waiting {formatWaited(now - Date.parse(entry.createdAt))}
            </span>
          )}
        </div>
        {scene ? (
          <>
            <p className="narration">{scene.narration}</p>
            <p className="direction">
              <span className="muted">Visual direction:</span> {scene.visualDirection}
            </p>
          </>
        ) : (
          <p className="muted">Loading the scene…</p>
        )}
        <p className="queue-entry-meta">
          <span className="entry-outcome">{summary.line}</span>
          <TemporalLink workflowId={entry.workflowId} />
        </p>
        {inFlight && entry.status === 'pending' && (
          <p className="progress" role="status">
            <span className="spinner" aria-hidden="true" /> {inFlight.description}: being carried out…
          </p>
        )}
        {entry.status === 'decided' && (
          <p className="decided">
            <DecidedLine entry={entry} />
          </p>
        )}
      </div>
    </li>
  );
}
