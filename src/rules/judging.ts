import { ISSUE_CATEGORIES, type SceneAnalysisResult } from '../domain/analysis';
import type { JudgingHistory } from '../domain/judge-view';
import type { RegenerationPolicy } from '../domain/policy';
import { JUDGING_DEFAULTS } from './policy';
import { normalCdf } from './seeded-draw';

/** SPEC.md "Judging and choosing": when one judgment is not trusted to decide, and how several do. */
export interface JudgingSettings {
  minScoreToPass: number;
  uncertaintyBand: number;
  judgmentsNearBar: number;
  /** policy.judgeModels, when it names any. */
  judgeModels?: string[];
}

/** The settings from a policy; the SPEC.md defaults for any it leaves out. */
export function judgingSettings(
  policy: Pick<RegenerationPolicy, 'minScoreToPass' | 'uncertaintyBand' | 'judgmentsNearBar' | 'judgeModels'>,
): JudgingSettings {
  return {
    minScoreToPass: policy.minScoreToPass,
    uncertaintyBand: policy.uncertaintyBand ?? JUDGING_DEFAULTS.uncertaintyBand,
    judgmentsNearBar: policy.judgmentsNearBar ?? JUDGING_DEFAULTS.judgmentsNearBar,
    ...(policy.judgeModels === undefined || policy.judgeModels.length === 0 ? {} : { judgeModels: policy.judgeModels }),
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
 * Whether the asset is judged once more, never beyond the policy's cap nor after the technical
 * checks failed it. With enough history (historyApplies) while the combined estimate's chance of
 * passing is not yet clearly one side of the bar (CLEAR_CHANCE); without it while the median so far
 * is near the bar (a second judgment far from the first still gets a third to break the split).
 */
export function shouldJudgeAgain(judgments: readonly Judged[], settings: JudgingSettings, history?: JudgingHistory): boolean {
  if (judgments.length === 0) return true;
  if (judgments.length >= settings.judgmentsNearBar) return false;
  if (judgments.some((judgment) => judgment.modelSkipped)) return false;
  if (historyApplies(history)) {
    const { passChance } = combinedEstimate(scoresOf(judgments), history, settings.minScoreToPass);
    return passChance > 1 - CLEAR_CHANCE && passChance < CLEAR_CHANCE;
  }
  return nearTheBar(medianJudgment(judgments).analysis.overallScore, settings);
}

/**
 * How sure the combined estimate must be of the side of the bar before judging stops: nine in
 * ten. Surer lines buy few right calls for many more judgments, since the part of the judge's
 * error that every view shares stays however often it looks (`npm run bench -- quality`).
 */
export const CLEAR_CHANCE = 0.9;

/**
 * History enough to lean on: the prior needs the first judgments of 20 assets of the content type,
 * and the spread 10 assets judged from more than one view (fewer give a standard deviation that
 * can be off by half).
 */
export const HISTORY_NEEDED = { scores: 20, spreadAssets: 10 } as const;

/** Judgments are whole numbers: a spread or a prior narrower than a point is rounding, not knowledge. */
const LEAST_SD = 1;

export function historyApplies(history: JudgingHistory | undefined): history is JudgingHistory {
  return history !== undefined && history.scores.count >= HISTORY_NEEDED.scores && history.spread.assets >= HISTORY_NEEDED.spreadAssets;
}

/** The asset's score as the judgments and the content type's history say it together, and how sure that is. */
export interface CombinedEstimate {
  /** The posterior mean, to a tenth of a point. */
  score: number;
  /** Its standard deviation. */
  sd: number;
  /** The chance the asset's score is at or above the bar. */
  passChance: number;
}

/**
 * A normal prior for the asset's score (the content type's first judgments: their mean, and their
 * spread less what the judge's own spread accounts for) updated by each judgment, each read as the
 * asset's score plus an error of the measured spread between looks at one asset. The judgments'
 * mean pulled towards the content type's usual score by as much as they are unsure; three looks
 * pull less than one.
 */
export function combinedEstimate(scores: readonly number[], history: JudgingHistory, bar: number): CombinedEstimate {
  if (scores.length === 0) throw new Error('combinedEstimate needs at least one judgment');
  const judgeVariance = Math.max(history.spread.sd, LEAST_SD) ** 2;
  const priorVariance = Math.max(history.scores.sd ** 2 - judgeVariance, LEAST_SD ** 2);
  const precision = 1 / priorVariance + scores.length / judgeVariance;
  const sum = scores.reduce((total, score) => total + score, 0);
  const mean = (history.scores.mean / priorVariance + sum / judgeVariance) / precision;
  const sd = 1 / Math.sqrt(precision);
  const score = Math.round(mean * 10) / 10;
  return { score, sd, passChance: normalCdf((score - bar) / sd) };
}

/**
 * The judgments' combined verdict: with enough history, the judgment whose score is nearest the
 * combined estimate, in its own words, carrying the estimate as its score (an `approve` under the
 * bar reads `regenerate`); without it, the median judgment (medianJudgment).
 */
export function combinedJudgment<J extends Judged>(judgments: readonly J[], settings: JudgingSettings, history?: JudgingHistory): J {
  if (!historyApplies(history) || judgments.some((judgment) => judgment.modelSkipped)) return medianJudgment(judgments);
  const { score } = combinedEstimate(scoresOf(judgments), history, settings.minScoreToPass);
  const nearest = judgments
    .map((judgment, index) => ({ judgment, index }))
    .sort(
      (a, b) =>
        Math.abs(a.judgment.analysis.overallScore - score) - Math.abs(b.judgment.analysis.overallScore - score) ||
        CAUTION[a.judgment.analysis.recommendation] - CAUTION[b.judgment.analysis.recommendation] ||
        a.index - b.index,
    )[0].judgment;
  const recommendation = nearest.analysis.recommendation === 'approve' && score < settings.minScoreToPass ? 'regenerate' : nearest.analysis.recommendation;
  return { ...nearest, analysis: { ...nearest.analysis, overallScore: score, recommendation } } as J;
}

function scoresOf(judgments: readonly Judged[]): number[] {
  return judgments.map((judgment) => judgment.analysis.overallScore);
}

/** The view of the judgment numbered `judgmentNumber` (1 is the plain request); see JudgeView. */
export interface ViewPlan {
  number: number;
  /** Absent for the first view: the system prompt's own order. */
  rubricOrder?: (typeof ISSUE_CATEGORIES)[number][];
  /**
   * Where in its share of the clip each frame is taken, from -0.5 to 0.5 of a share (0: the
   * middle, as the first view): a low-discrepancy sequence, so every look sees frames none before it saw.
   */
  frameShift: number;
  /** The model of this view, from the policy's judge models in turn; absent: the configured one. */
  model?: string;
}

const GOLDEN_STEP = (3 - Math.sqrt(5)) / 2;

export function judgeView(judgmentNumber: number, models: readonly string[] = []): ViewPlan {
  if (!Number.isInteger(judgmentNumber) || judgmentNumber < 1) throw new RangeError(`judgment number must be a whole number from 1, got ${judgmentNumber}`);
  const turn = judgmentNumber - 1;
  const step = (turn * GOLDEN_STEP) % 1;
  const rotation = turn % ISSUE_CATEGORIES.length;
  return {
    number: judgmentNumber,
    ...(turn === 0 ? {} : { rubricOrder: [...ISSUE_CATEGORIES.slice(rotation), ...ISSUE_CATEGORIES.slice(0, rotation)].reverse() }),
    frameShift: Math.round((step < 0.5 ? step : step - 1) * 1000) / 1000,
    ...(models.length === 0 ? {} : { model: models[turn % models.length] }),
  };
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

/**
 * The content type's history from its recorded judgment lists (each list one asset's judgments,
 * oldest first): the first judgment of every asset for the prior, and the spread around each
 * asset's mean of the lists whose judgments were taken from more than one view (judgments of one
 * view repeat its error, so their spread would understate the judge's).
 */
export function judgingHistoryOf(
  contentType: string,
  lists: readonly (readonly { score: number; view?: { number: number } }[])[],
): JudgingHistory {
  const firsts = lists.filter((list) => list.length > 0).map((list) => list[0].score);
  const viewed = lists.filter((list) => list.length > 1 && new Set(list.map((j) => j.view?.number)).size === list.length && list.every((j) => j.view));
  let squares = 0;
  let freedom = 0;
  for (const list of viewed) {
    const mean = list.reduce((sum, j) => sum + j.score, 0) / list.length;
    squares += list.reduce((sum, j) => sum + (j.score - mean) ** 2, 0);
    freedom += list.length - 1;
  }
  const mean = firsts.length === 0 ? 0 : firsts.reduce((a, b) => a + b, 0) / firsts.length;
  const variance = firsts.length < 2 ? 0 : firsts.reduce((sum, score) => sum + (score - mean) ** 2, 0) / (firsts.length - 1);
  return {
    contentType,
    scores: { count: firsts.length, mean, sd: Math.sqrt(variance) },
    spread: { assets: viewed.length, sd: freedom === 0 ? 0 : Math.sqrt(squares / freedom) },
  };
}
