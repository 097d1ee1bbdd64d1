import { z } from 'zod';
import { ISSUE_CATEGORIES, ISSUE_SEVERITIES, RECOMMENDATIONS } from '../domain/analysis';

/**
 * What Claude answers a judgment with (structured outputs), and what the simulator's judge
 * answers. One definition so the two can never drift apart.
 */
const unit = z.number().min(0).max(1);

export const JudgeVerdictSchema = z.object({
  overallScore: z.number().min(0).max(100),
  categoryScores: z.object({
    ai_artifacts: z.number().min(0).max(100),
    content_match: z.number().min(0).max(100),
    brand_compliance: z.number().min(0).max(100),
    technical: z.number().min(0).max(100),
    composition: z.number().min(0).max(100),
  }),
  issues: z.array(
    z.object({
      category: z.enum(ISSUE_CATEGORIES),
      severity: z.enum(ISSUE_SEVERITIES),
      description: z.string().min(1),
      // A local defect's box (fractions of the frame) and, in a clip, when it shows; absent: global.
      region: z.object({ x: unit, y: unit, w: unit, h: unit }).optional(),
      timeSpan: z.object({ startS: z.number().min(0), endS: z.number().min(0) }).optional(),
    }),
  ),
  recommendation: z.enum(RECOMMENDATIONS),
  improvedPrompt: z.string().min(1),
});
export type JudgeVerdict = z.infer<typeof JudgeVerdictSchema>;

/**
 * The verdict as JSON Schema draft 2020-12 (zod's default target), the dialect the Messages API
 * reads tool input schemas in; draft-07 is refused. The client turns it into its strict form.
 */
export const judgeInputJsonSchema = z.toJSONSchema(JudgeVerdictSchema);
