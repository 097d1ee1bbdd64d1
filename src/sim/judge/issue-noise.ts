import { ISSUE_CATEGORIES, type IssueCategory, type SceneIssue } from '../../domain/analysis';
import type { JudgeVerdict } from '../../analysis/judge-verdict';
import type { Rng } from '../seeded-random';
import { ISSUE_BELOW } from './judge-model';
import type { JudgeSettings } from './judge-settings';

/** Defects a judge sees that are not there: plausible, minor, one per category. */
const SPURIOUS_DEFECTS: Readonly<Record<IssueCategory, string>> = {
  ai_artifacts: 'A faint warping along one edge of the frame that looks like a generation artifact',
  content_match: 'The secondary details do not quite match what the direction describes',
  brand_compliance: 'The color grading drifts slightly away from the brand look',
  technical: 'Slight compression noise in the darker areas',
  composition: 'The subject sits a little too close to the edge of the frame',
};

type IssueNoise = Pick<JudgeSettings, 'issueRecall' | 'spuriousIssueRate'>;

/**
 * The verdict with its issue list as an imperfect judge reports it: each real defect kept with
 * probability `issueRecall`, and with probability `spuriousIssueRate` one low-severity defect
 * added in a category that had none reported (its category score brought under the issue mark,
 * as the judge that saw it would score it). An exact judge (recall 1, rate 0) draws nothing.
 */
export function withIssueNoise(verdict: JudgeVerdict, settings: IssueNoise, rng: Rng): JudgeVerdict {
  if (settings.issueRecall >= 1 && settings.spuriousIssueRate <= 0) return verdict;
  const issues: SceneIssue[] = verdict.issues.filter(() => settings.issueRecall >= 1 || rng() < settings.issueRecall);
  const categoryScores = { ...verdict.categoryScores };
  if (settings.spuriousIssueRate > 0 && rng() < settings.spuriousIssueRate) {
    const free = ISSUE_CATEGORIES.filter((category) => !issues.some((issue) => issue.category === category));
    if (free.length > 0) {
      const category = free[Math.min(free.length - 1, Math.floor(rng() * free.length))];
      issues.push({ category, severity: 'low', description: SPURIOUS_DEFECTS[category] });
      categoryScores[category] = Math.min(categoryScores[category], ISSUE_BELOW - 1);
    }
  }
  return { ...verdict, issues, categoryScores };
}
