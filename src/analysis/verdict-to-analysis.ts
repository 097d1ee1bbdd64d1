import type { SceneAnalysisResult, SceneIssue } from '../domain/analysis';
import type { JudgeVerdict } from './judge-verdict';

type Recommendation = SceneAnalysisResult['recommendation'];

/**
 * The policy's passing score decides, not the model's own reading of it, so that the
 * recommendation and the score can never send the workflow two ways:
 * - below the bar is never "approve" (it becomes "regenerate");
 * - at or above the bar, "regenerate" becomes "approve": SPEC.md ends a round as a success on
 *   the score alone, so a passing score that still asked for regeneration would start rounds
 *   that succeed at once. The model's issues are kept, so a reviewer still sees them.
 * - "critical_fail" stays: it means unusable (wrong subject, unsafe content) whatever the score.
 */
export function reconcileRecommendation(recommendation: Recommendation, score: number, minScoreToPass: number): Recommendation {
  if (recommendation === 'critical_fail') return recommendation;
  return score >= minScoreToPass ? 'approve' : 'regenerate';
}

export function verdictToAnalysis(verdict: JudgeVerdict, minScoreToPass: number): SceneAnalysisResult {
  const overallScore = Math.round(verdict.overallScore);
  return {
    overallScore,
    recommendation: reconcileRecommendation(verdict.recommendation, overallScore, minScoreToPass),
    issues: verdict.issues.map(({ region, timeSpan, ...issue }) => ({
      ...issue,
      description: issue.description.trim(),
      ...localPlace(region, timeSpan),
    })),
    improvedPrompt: verdict.improvedPrompt.trim(),
    categoryScores: { ...verdict.categoryScores },
  };
}

/**
 * A box clipped to the frame and a span in order; one with no area or length says nothing about
 * where the defect is, so the issue reads as global.
 */
function localPlace(region: JudgeVerdict['issues'][number]['region'], timeSpan: JudgeVerdict['issues'][number]['timeSpan']) {
  const place: Pick<SceneIssue, 'region' | 'timeSpan'> = {};
  if (region !== undefined) {
    const w = Math.min(region.w, 1 - region.x);
    const h = Math.min(region.h, 1 - region.y);
    if (w > 0 && h > 0) place.region = { x: region.x, y: region.y, w, h };
  }
  if (timeSpan !== undefined && timeSpan.endS > timeSpan.startS) place.timeSpan = { ...timeSpan };
  return place;
}
