import type { Scene } from '../api/types';
import { formatCost, formatDateTime } from '../model/format';
import { aspectRatioOf, type Candidate } from '../model/round-view';
import { AnalysisDetails } from './analysis-details';
import { MediaBox } from './media-box';
import { PromptChanges } from './prompt-changes';
import { RepairView } from './repair-view';
import { ScoreBadge } from './score-badge';

interface CandidateCardProps {
  candidate: Candidate;
  scene: Scene;
  /** Present while the reviewer can pick a candidate to approve. */
  selection?: { selected: boolean; onSelect(): void; groupName: string };
}

/** One column of the comparison: the media, then everything the judge and the provider said. */
export function CandidateCard({ candidate, scene, selection }: CandidateCardProps) {
  return (
    <article
      className={`candidate${candidate.isBest ? ' is-best' : ''}${selection?.selected ? ' is-selected' : ''}${candidate.group ? ' in-group' : ''}${candidate.group?.kept ? ' is-kept-candidate' : ''}`}
      data-candidate={candidate.key}
      data-group={candidate.group ? `attempt-${candidate.round}-${candidate.attemptNumber}` : undefined}
      aria-label={`${candidate.label}${candidate.isBest ? ' (best)' : ''}`}
    >
      <header className="candidate-head">
        <h3>{candidate.label}</h3>
        <div className="tags">
          {candidate.badges.map((badge) => (
            <span key={badge.kind} className={`tag tag-${badge.kind}`} title={badge.title}>
              {badge.text}
            </span>
          ))}
        </div>
      </header>
      {candidate.group && (
        <p className="candidate-group muted small">
          Candidate {candidate.group.candidate} of {candidate.group.of} ({candidate.group.why})
        </p>
      )}
      <MediaBox
        url={candidate.assetUrl}
        asset={candidate.asset}
        aspectRatio={aspectRatioOf(candidate.asset, scene)}
        label={`${candidate.label} by ${candidate.provider}`}
        emptyText={candidate.failure ? 'Generation produced no asset' : 'No asset'}
      />
      <div className="candidate-facts">
        <span className="provider">{candidate.provider}</span>
        <ScoreBadge score={candidate.score} />
        {candidate.scoreBefore !== undefined && candidate.score !== undefined && (
          <span className="delta" title="Against the score this attempt had to beat">
            {signed(candidate.score - candidate.scoreBefore)} vs {Math.round(candidate.scoreBefore)}
          </span>
        )}
        {candidate.costUsd !== undefined && <span className="cost">{formatCost(candidate.costUsd)}</span>}
      </div>
      {candidate.repair && <RepairView repair={candidate.repair} after={{ url: candidate.assetUrl, asset: candidate.asset }} scene={scene} label={candidate.label} />}
      {/* Below the media, so the media of every card line up. */}
      {candidate.bestWhy && <p className="best-why">{candidate.bestWhy}</p>}
      {candidate.group?.keptWhy && <p className="kept-why">{candidate.group.keptWhy}</p>}
      {candidate.group && !candidate.group.kept && <p className="muted small">Not kept by the attempt; it can still be approved.</p>}
      {candidate.keptNote && <p className="kept-note">{candidate.keptNote}</p>}
      {candidate.origin && <p className="muted small">From the {candidate.origin}.</p>}
      {candidate.failure && (
        <p className="failure" role="note">
          <strong>Failed ({candidate.failure.type}):</strong> {candidate.failure.message}
        </p>
      )}
      <AnalysisDetails analysis={candidate.analysis} />
      <h4 className="prompt-title">
        {candidate.promptLabel}
        {candidate.previousPrompt !== undefined && (
          <span className="muted small"> (changes against {candidate.comparedWith ?? 'the previous prompt'} marked)</span>
        )}
      </h4>
      <PromptChanges prompt={candidate.prompt} previous={candidate.previousPrompt} />
      {candidate.timestamp && <p className="muted small">{formatDateTime(candidate.timestamp)}</p>}
      {selection && (
        <label className={`choose${candidate.approvable ? '' : ' disabled'}`}>
          <input
            type="radio"
            name={selection.groupName}
            checked={selection.selected}
            disabled={!candidate.approvable}
            onChange={selection.onSelect}
          />
          {candidate.approvable ? `Choose ${candidate.attemptNumber === 0 ? 'this asset' : candidate.label.toLowerCase()}` : 'Nothing to approve'}
        </label>
      )}
    </article>
  );
}

function signed(value: number): string {
  const rounded = Math.round(value);
  return rounded > 0 ? `+${rounded}` : String(rounded);
}
