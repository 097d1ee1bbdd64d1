import { z } from 'zod';
import type { ProviderName } from '../domain/provider';
import { ISSUE_CATEGORIES, ISSUE_SEVERITIES } from '../domain/analysis';
import { JudgeNoiseSchema } from './sim-settings';

/** What a generation provider can be told to do wrong (CONTRACT.md "The simulator"). */
export const ProviderFaultSchema = z.enum(['http429', 'http500', 'timeout', 'refuse', 'expired_url']);
export type ProviderFault = z.infer<typeof ProviderFaultSchema>;

/** What the judge (faults key `claude`) can be told to do wrong. */
export const ClaudeFaultSchema = z.enum(['http429', 'http529', 'http500', 'timeout', 'malformed', 'refuse', 'truncated']);
export type ClaudeFault = z.infer<typeof ClaudeFaultSchema>;

export const CLAUDE_FAULT_KEY = 'claude';

const providerFaults = z.array(ProviderFaultSchema).optional();

const FaultsSchema = z
  .object({
    kling: providerFaults,
    runway: providerFaults,
    luma: providerFaults,
    hailuo: providerFaults,
    falai: providerFaults,
    flux: providerFaults,
    claude: z.array(ClaudeFaultSchema).optional(),
  } satisfies Record<ProviderName | typeof CLAUDE_FAULT_KEY, z.ZodType>)
  .strict();

export const ScenarioRuleSchema = z
  .object({
    match: z.string().trim().min(1, 'match must be a non-empty string'),
    scores: z.array(z.number().min(0).max(100)).min(1).optional(),
    issues: z
      .array(z.object({ category: z.enum(ISSUE_CATEGORIES), severity: z.enum(ISSUE_SEVERITIES), description: z.string() }))
      .optional(),
    faults: FaultsSchema.optional(),
    latencyMs: z.number().int().min(0).max(600_000).optional(),
    /** σ of the judge's noise for matching analyses without scripted scores; replaces the setting. */
    judgeNoise: JudgeNoiseSchema.optional(),
    /** Answer matching pairwise requests so, whichever asset is truly better. */
    pairwise: z.enum(['first', 'second'], { error: 'pairwise must be "first" or "second"' }).optional(),
  })
  .strict();

export type ScenarioRule = z.infer<typeof ScenarioRuleSchema>;

export const ScenarioRulesSchema = z.array(ScenarioRuleSchema);

/** Parses rules from untrusted JSON; the error names every offending field. */
export function parseScenarioRules(value: unknown): ScenarioRule[] {
  const parsed = ScenarioRulesSchema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
      .join('; ');
    throw new InvalidScenarioRulesError(`Invalid scenario rules: ${problems}`);
  }
  return parsed.data;
}

export class InvalidScenarioRulesError extends Error {
  override readonly name = 'InvalidScenarioRulesError';
}
