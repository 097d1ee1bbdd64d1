import type { Recommendation, SceneAnalysisResult } from '../domain/analysis';
import type { RegenerationPolicy } from '../domain/policy';
import type { AttemptResult } from '../domain/regeneration';

/** SPEC.md "When regeneration starts": whether a freshly analysed scene needs a round at all. */
export function needsRegeneration(analysis: SceneAnalysisResult, policy: RegenerationPolicy): boolean {
  return (
    analysis.recommendation === 'regenerate' ||
    analysis.recommendation === 'critical_fail' ||
    analysis.overallScore < policy.minScoreToPass
  );
}

/**
 * SPEC.md: success ends the round; improved becomes current; failed leaves current as it was.
 * A `critical_fail` (wrong subject, unsafe to publish) is unusable whatever its score, so it
 * neither passes nor becomes what later prompts are built from. Without a recommendation the
 * score alone decides, as rounds recorded before that rule did.
 */
export function attemptOutcome(
  scoreAfter: number,
  currentScore: number,
  policy: RegenerationPolicy,
  recommendation?: Recommendation,
): AttemptResult {
  if (recommendation === 'critical_fail') return 'failed';
  if (scoreAfter >= policy.minScoreToPass) return 'success';
  const gain = scoreAfter - currentScore;
  if (gain > 0 && gain >= policy.scoreImprovementThreshold) return 'improved';
  return 'failed';
}
