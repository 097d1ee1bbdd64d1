export const ISSUE_CATEGORIES = ['ai_artifacts', 'content_match', 'brand_compliance', 'technical', 'composition'] as const;
export type IssueCategory = (typeof ISSUE_CATEGORIES)[number];

export const ISSUE_SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type IssueSeverity = (typeof ISSUE_SEVERITIES)[number];

export const RECOMMENDATIONS = ['approve', 'regenerate', 'critical_fail'] as const;
export type Recommendation = (typeof RECOMMENDATIONS)[number];

/** Where in the frame an issue shows: fractions 0..1 of the frame's width and height. */
export interface IssueRegion {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** When in a clip an issue shows, in seconds from its start. */
export interface IssueTimeSpan {
  startS: number;
  endS: number;
}

export interface SceneIssue {
  category: IssueCategory;
  severity: IssueSeverity;
  description: string;
  /** Added field (CONTRACT): a local defect's place in the frame; absent = global (lighting, palette, subject). */
  region?: IssueRegion;
  /** Added field (CONTRACT): for a clip, when the defect shows; absent = the whole clip. */
  timeSpan?: IssueTimeSpan;
}

/** A local defect: one an edit can fix without touching the rest. Analyses from before regions read as global. */
export function isLocalIssue(issue: SceneIssue): boolean {
  return issue.region !== undefined;
}

export interface SceneAnalysisResult {
  /** 0..100 */
  overallScore: number;
  recommendation: Recommendation;
  issues: SceneIssue[];
  improvedPrompt?: string;
  /** Added field (CONTRACT allows additions): the judge's score per category, 0..100. */
  categoryScores?: Partial<Record<IssueCategory, number>>;
}
