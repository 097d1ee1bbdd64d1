import { z } from 'zod';
import { ProviderNameSchema } from './provider';
import { SceneAnalysisResultSchema } from './analysis';
import { AssetRefSchema } from './asset';

export const AttemptResultSchema = z.enum(['success', 'failed', 'improved']);
export type AttemptResult = z.infer<typeof AttemptResultSchema>;

export const AttemptFailureSchema = z.object({ type: z.string(), message: z.string() });
export type AttemptFailure = z.infer<typeof AttemptFailureSchema>;

export const RegenerationAttemptSchema = z.object({
  attemptNumber: z.number().int().min(1),
  round: z.number().int().min(1),
  timestamp: z.string(),
  provider: ProviderNameSchema,
  prompt: z.string(),
  result: AttemptResultSchema,
  scoreBefore: z.number(),
  scoreAfter: z.number(),
  analysisResult: SceneAnalysisResultSchema.optional(),
  assetUrl: z.string().optional(),
  failure: AttemptFailureSchema.optional(),
  costUsd: z.number().optional(),
  /** Added field: the provider's task id, so an attempt can be traced to its bill. */
  providerTaskId: z.string().optional(),
  /** Added field: the stored copy's details (hash, media type, dimensions) behind assetUrl. */
  asset: AssetRefSchema.optional(),
});
export type RegenerationAttempt = z.infer<typeof RegenerationAttemptSchema>;

const reviewer = z.string().min(1).max(200);
const note = z.string().max(2000).optional();

export const UserDecisionSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('approve'), attemptNumber: z.number().int().min(0).optional(), reviewer, note }),
  z.object({ action: z.literal('reject'), reviewer, note }),
  z.object({
    action: z.literal('regenerate'),
    customPrompt: z.string().min(1).max(4000).optional(),
    provider: ProviderNameSchema.optional(),
    reviewer,
    note,
  }),
]);
export type UserDecision = z.infer<typeof UserDecisionSchema>;

export const RegenerationStatusSchema = z.enum([
  'regenerating',
  'awaiting_review',
  'passed',
  'approved',
  'rejected',
  'review_timed_out',
]);
export type RegenerationStatus = z.infer<typeof RegenerationStatusSchema>;

export const RegenerationStateSchema = z.object({
  sceneId: z.number(),
  status: RegenerationStatusSchema,
  round: z.number(),
  attempt: z.number(),
  maxAttempts: z.number(),
  currentScore: z.number(),
  bestAttemptNumber: z.number().optional(),
  attempts: z.array(RegenerationAttemptSchema),
  awaitingReviewSince: z.string().optional(),
  decision: UserDecisionSchema.optional(),
});
export type RegenerationState = z.infer<typeof RegenerationStateSchema>;

export const RegenerationOutcomeSchema = z.enum(['passed', 'approved', 'rejected', 'review_timed_out']);
export type RegenerationOutcome = z.infer<typeof RegenerationOutcomeSchema>;

export const RegenerationResultSchema = z.object({
  success: z.boolean(),
  outcome: RegenerationOutcomeSchema,
  finalScore: z.number(),
  attempts: z.array(RegenerationAttemptSchema),
  escalatedToUser: z.boolean(),
  newAssetUrl: z.string().optional(),
  newAnalysis: SceneAnalysisResultSchema.optional(),
  review: z.object({ decision: UserDecisionSchema, decidedAt: z.string() }).optional(),
});
export type RegenerationResult = z.infer<typeof RegenerationResultSchema>;

export const SceneAssetResultSchema = z.object({
  sceneId: z.number(),
  assetUrl: z.string().optional(),
  analysis: SceneAnalysisResultSchema.optional(),
  qualityScore: z.number().optional(),
  regeneration: RegenerationResultSchema.optional(),
  needsUserReview: z.boolean(),
  /** Added field: the round waiting for a reviewer, when the scene is in the review queue. */
  reviewWorkflowId: z.string().optional(),
});
export type SceneAssetResult = z.infer<typeof SceneAssetResultSchema>;
