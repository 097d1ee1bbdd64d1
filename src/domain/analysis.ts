import { z } from 'zod';

export const IssueCategorySchema = z.enum([
  'ai_artifacts',
  'content_match',
  'brand_compliance',
  'technical',
  'composition',
]);
export type IssueCategory = z.infer<typeof IssueCategorySchema>;

export const IssueSeveritySchema = z.enum(['low', 'medium', 'high', 'critical']);

export const SceneIssueSchema = z.object({
  category: IssueCategorySchema,
  severity: IssueSeveritySchema,
  description: z.string(),
});
export type SceneIssue = z.infer<typeof SceneIssueSchema>;

export const RecommendationSchema = z.enum(['approve', 'regenerate', 'critical_fail']);

export const SceneAnalysisResultSchema = z.object({
  overallScore: z.number().min(0).max(100),
  recommendation: RecommendationSchema,
  issues: z.array(SceneIssueSchema),
  improvedPrompt: z.string().optional(),
  // Added fields (CONTRACT allows additions): per-category scores from the judge.
  categoryScores: z.partialRecord(IssueCategorySchema, z.number().min(0).max(100)).optional(),
});
export type SceneAnalysisResult = z.infer<typeof SceneAnalysisResultSchema>;
