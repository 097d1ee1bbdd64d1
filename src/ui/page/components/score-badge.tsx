import { formatScore, scoreBand } from '../model/format';

/** A score with its band's colour and a word for it, so colour is never the only signal. */
export function ScoreBadge({ score, label = 'Score' }: { score: number | undefined; label?: string }) {
  if (score === undefined) return <span className="score-badge score-none">{label} –</span>;
  const band = scoreBand(score);
  const word = band === 'pass' ? 'passes' : band === 'near' ? 'below the bar' : 'poor';
  return (
    <span className={`score-badge score-${band}`} title={`${label} ${formatScore(score)} of 100: ${word}`}>
      {label} <strong>{formatScore(score)}</strong>
    </span>
  );
}
