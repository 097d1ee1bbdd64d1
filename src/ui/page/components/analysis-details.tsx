import type { IssueCategory, SceneAnalysisResult } from '../api/types';
import { formatScore } from '../model/format';

const CATEGORIES: { key: IssueCategory; label: string }[] = [
  { key: 'content_match', label: 'Content match' },
  { key: 'ai_artifacts', label: 'AI artifacts' },
  { key: 'brand_compliance', label: 'Brand' },
  { key: 'technical', label: 'Technical' },
  { key: 'composition', label: 'Composition' },
];

/** The judge's per-category scores as bars, then the issues it found. */
export function AnalysisDetails({ analysis }: { analysis: SceneAnalysisResult | undefined }) {
  if (analysis === undefined) return <p className="muted">Not analysed.</p>;
  const scores = analysis.categoryScores ?? {};
  const scored = CATEGORIES.filter(({ key }) => scores[key] !== undefined);
  return (
    <>
      {scored.length > 0 && (
        <dl className="category-scores">
          {scored.map(({ key, label }) => {
            const value = scores[key]!;
            return (
              <div key={key} className="category-score">
                <dt>{label}</dt>
                <dd>
                  <span className="bar" aria-hidden="true">
                    <span style={{ width: `${Math.max(0, Math.min(100, value))}%` }} />
                  </span>
                  <span className="value">{formatScore(value)}</span>
                </dd>
              </div>
            );
          })}
        </dl>
      )}
      {analysis.issues.length === 0 ? (
        <p className="muted">No issues found.</p>
      ) : (
        <ul className="issues" aria-label="Issues">
          {analysis.issues.map((issue, index) => (
            <li key={index}>
              <span className={`severity severity-${issue.severity}`}>{issue.severity}</span>{' '}
              <span className="issue-category">{issue.category.replace('_', ' ')}</span>: {issue.description}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
