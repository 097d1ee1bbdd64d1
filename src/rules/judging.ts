import type { SceneAnalysisResult } from '../domain/analysis';
import type { RegenerationPolicy } from '../domain/policy';
import { JUDGING_DEFAULTS } from './policy';

/** SPEC.md "Judging and choosing": when one judgment is not trusted to decide, and how several do. */
export interface JudgingSettings {
  minScoreToPass: number;
  uncertaintyBand: number;
  judgmentsNearBar: number;
}

/** The settings from a policy; the SPEC.md defaults for any it leaves out. */
export function judgingSettings(
  policy: Pick<RegenerationPolicy, 'minScoreToPass' | 'uncertaintyBand' | 'judgmentsNearBar'>,
): JudgingSettings {
  return {
    minScoreToPass: policy.minScoreToPass,
    uncertaintyBand: policy.uncertaintyBand ?? JUDGING_DEFAULTS.uncertaintyBand,
    judgmentsNearBar: policy.judgmentsNearBar ?? JUDGING_DEFAULTS.judgmentsNearBar,
  };
}

/** What the judging rules read of one verdict. */
export interface Judged {
  analysis: Pick<SceneAnalysisResult, 'overallScore' | 'recommendation'>;
  /** The technical checks failed the asset without asking the model: asking again changes nothing. */
  modelSkipped: boolean;
}

/** A score this close to the bar could fall on either side of it in the next identical request. */
export function nearTheBar(score: number, settings: JudgingSettings): boolean {
  return Math.abs(score - settings.minScoreToPass) <= settings.uncertaintyBand;
}

/**
 * Whether the asset is judged once more: while the score so far (the median of the judgments
 * made) is near the bar and the judgments are fewer than the policy allows. Looking at the median
 * rather than the first score means a second judgment far from the first still gets a third to
 * break the split.
 */
export function shouldJudgeAgain(judgments: readonly Judged[], settings: JudgingSettings): boolean {
  if (judgments.length === 0) return true;
  if (judgments.length >= settings.judgmentsNearBar) return false;
  if (judgments.some((judgment) => judgment.modelSkipped)) return false;
  return nearTheBar(medianJudgment(judgments).analysis.overallScore, settings);
}

const CAUTION: Record<SceneAnalysisResult['recommendation'], number> = { critical_fail: 0, regenerate: 1, approve: 2 };

/**
 * The judgments' combined verdict: the median judgment's analysis, so the verdict a person reads
 * belongs to the judge's own words. With an even number of judgments (one of them failed, or the
 * policy asks for 2 or 4) the score is the mean of the two middle ones (74 and 58 record 66) and
 * the issues are the lower one's. Among equal scores the more cautious recommendation sorts
 * lower, so a `critical_fail` is not hidden behind an `approve` of the same score; otherwise the
 * earlier judgment comes first.
 */
export function medianJudgment<J extends Judged>(judgments: readonly J[]): J {
  if (judgments.length === 0) throw new Error('medianJudgment needs at least one judgment');
  const ordered = judgments
    .map((judgment, index) => ({ judgment, index }))
    .sort(
      (a, b) =>
        a.judgment.analysis.overallScore - b.judgment.analysis.overallScore ||
        CAUTION[a.judgment.analysis.recommendation] - CAUTION[b.judgment.analysis.recommendation] ||
        a.index - b.index,
    )
    .map(({ judgment }) => judgment);
  const lower = ordered[Math.floor((ordered.length - 1) / 2)];
  if (ordered.length % 2 === 1) return lower;
  const upper = ordered[ordered.length / 2];
  const overallScore = (lower.analysis.overallScore + upper.analysis.overallScore) / 2;
  return { ...lower, analysis: { ...lower.analysis, overallScore } } as J;
}
