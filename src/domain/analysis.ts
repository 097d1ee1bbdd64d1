export const ISSUE_CATEGORIES = ['ai_artifacts', 'content_match', 'brand_compliance', 'technical', 'composition'] as const;
export type IssueCategory = (typeof ISSUE_CATEGORIES)[number];

export const ISSUE_SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type IssueSeverity = (typeof ISSUE_SEVERITIES)[number];

export const RECOMMENDATIONS = ['approve', 'regenerate', 'critical_fail'] as const;
export type Recommendation = (typeof RECOMMENDATIONS)[number];

export interface SceneIssue {
  category: IssueCategory;
  severity: IssueSeverity;
  description: string;
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
