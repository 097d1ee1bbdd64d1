import { z } from 'zod';
import { ProviderNameSchema } from './provider';

// The forms Temporal's duration parser (ms) accepts that people actually write.
const DURATION_PATTERN = /^\d+(\.\d+)?\s*(ms|milliseconds?|s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|w|weeks?)$/i;

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
  reviewTimeout: z
    .string()
    .regex(DURATION_PATTERN, 'a duration such as "72h", "30 minutes" or "10s"')
    .optional(),
  onReviewTimeout: ReviewTimeoutActionSchema.optional(),
});
export type RegenerationPolicy = z.infer<typeof RegenerationPolicySchema>;

export const PartialPolicySchema = RegenerationPolicySchema.partial();
export type PartialPolicy = z.infer<typeof PartialPolicySchema>;
