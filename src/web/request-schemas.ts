import { z } from 'zod';
import { checkUserDecision, normalProviderName } from '../domain/input-checks';
import { PROVIDER_NAMES } from '../domain/provider';
import { DECISION_LIMITS, REVIEW_ENTRY_STATUSES, type UserDecision } from '../domain/regeneration';
import { badRequest } from './http-error';
import { SCENE_STATUSES } from '../db/schema';

/** What every route accepts, checked before anything reads the database or Temporal. */

const MAX_INT32 = 2_147_483_647;

/** Database ids are int4: a positive decimal integer that fits, written without sign or padding. */
const IdText = z
  .string()
  .regex(/^[1-9][0-9]{0,9}$/, 'must be a positive integer')
  .transform(Number)
  .refine((id) => id <= MAX_INT32, `must be at most ${MAX_INT32}`);

export const SceneParamsSchema = z.object({ id: IdText });
export const ReviewEntryParamsSchema = z.object({ entryId: IdText });

export const RegenerateBodySchema = z
  .object({
    provider: z.preprocess(normalProviderName, z.enum(PROVIDER_NAMES)).optional(),
    customPrompt: z.string().trim().min(1, 'must not be empty').max(DECISION_LIMITS.customPrompt).optional(),
  })
  .strict();
export type RegenerateBody = z.infer<typeof RegenerateBodySchema>;

/** The reviewer is whoever the token belongs to, never what the body claims. */
export function parseDecisionBody(body: unknown, reviewer: string): UserDecision {
  const checked = checkUserDecision(body, { path: 'body', reviewer });
  if (!checked.ok) throw badRequest(checked.problems.join('; '));
  return checked.value;
}

/** How many items a listing page holds. */
const PageLimit = z
  .string()
  .regex(/^[0-9]{1,3}$/, 'must be a number from 1 to 500')
  .transform(Number)
  .refine((limit) => limit >= 1 && limit <= 500, 'must be a number from 1 to 500');

export const ReviewQueueQuerySchema = z.object({
  status: z.enum([...REVIEW_ENTRY_STATUSES, 'all']).default('pending'),
  cursor: z.string().max(128).optional(),
  projectId: IdText.optional(),
  limit: PageLimit.optional(),
});

/** Parses or answers 400 naming every problem, e.g. "body.provider: Invalid option …". */
export function parseRequest<T>(schema: z.ZodType<T>, value: unknown, part: 'params' | 'body' | 'query'): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${[part, ...issue.path.map(String)].join('.')}: ${issue.message}`);
  throw badRequest(problems.join('; '));
}

export const SceneListQuerySchema = z.object({
  projectId: IdText.optional(),
  status: z.enum(SCENE_STATUSES).optional(),
  cursor: z.string().max(64).optional(),
  limit: PageLimit.optional(),
});

export const InsightsQuerySchema = z.object({ projectId: IdText.optional() });
