import { z } from 'zod';
import { PAIRWISE_ANSWERS } from '../domain/best-pick';

/**
 * What Claude answers a pairwise comparison with (SPEC.md "Judging and choosing"): which of the
 * two assets shown it prefers, in the order shown, and why.
 */
export const PreferenceSchema = z.object({
  preferred: z.enum(PAIRWISE_ANSWERS),
  reason: z.string(),
});
export type Preference = z.infer<typeof PreferenceSchema>;

/** The strict tool's input schema: both fields required, nothing else allowed. */
export const preferenceInputJsonSchema = {
  type: 'object',
  properties: {
    preferred: { type: 'string', enum: [...PAIRWISE_ANSWERS] },
    reason: { type: 'string' },
  },
  required: ['preferred', 'reason'],
  additionalProperties: false,
} as const;
