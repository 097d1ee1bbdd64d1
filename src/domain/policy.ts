import { z } from 'zod';
import { ProviderNameSchema } from './provider';

export const ReviewTimeoutActionSchema = z.enum(['approve_best', 'reject']);

export const RegenerationPolicySchema = z.object({
  maxAttempts: z.number().int().min(1).max(10),
  minScoreToPass: z.number().min(0).max(100),
  scoreImprovementThreshold: z.number().min(0).max(100),
  providerFallbackOrder: z.object({
    video: z.array(ProviderNameSchema).min(1),
    image: z.array(ProviderNameSchema).min(1),
  }),
  /** A Temporal duration string such as "72h"; absent means wait for a person indefinitely. */
  reviewTimeout: z.string().optional(),
  onReviewTimeout: ReviewTimeoutActionSchema.optional(),
});
export type RegenerationPolicy = z.infer<typeof RegenerationPolicySchema>;

export const PartialPolicySchema = RegenerationPolicySchema.partial();
export type PartialPolicy = z.infer<typeof PartialPolicySchema>;
