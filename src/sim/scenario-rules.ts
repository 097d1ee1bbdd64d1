import { z } from 'zod';
import type { ProviderName } from '../domain/provider';
import { ISSUE_CATEGORIES, ISSUE_SEVERITIES } from '../domain/analysis';
import { JudgeNoiseSchema, JudgeSettingsPatchSchema, withJudgePatch, type JudgeSettings } from './judge/judge-settings';

/** What a generation provider can be told to do wrong (CONTRACT.md "The simulator"). */
export const ProviderFaultSchema = z.enum(['http429', 'http500', 'timeout', 'refuse', 'moderation_down', 'expired_url']);
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

const unit = (name: string) =>
  z.number({ error: `${name} must be a number from 0 to 1` }).min(0, `${name} must be a number from 0 to 1`).max(1, `${name} must be a number from 0 to 1`);

/** Where a local defect shows, as shares of the frame (CONTRACT.md SceneAnalysisResult.issues). */
const RegionSchema = z
  .object({ x: unit('region.x'), y: unit('region.y'), w: unit('region.w'), h: unit('region.h') })
  .strict()
  .refine((region) => region.w > 0 && region.h > 0, 'region must have a width and a height above 0')
  .refine((region) => region.x + region.w <= 1 && region.y + region.h <= 1, 'region must lie inside the frame: x + w and y + h at most 1');

/** When a local defect shows in a clip, in seconds from its start. */
const TimeSpanSchema = z
  .object({
    startS: z.number({ error: 'timeSpan.startS must be a number of seconds' }).min(0, 'timeSpan.startS must be 0 or more'),
    endS: z.number({ error: 'timeSpan.endS must be a number of seconds' }),
  })
  .strict()
  .refine((span) => span.endS > span.startS, 'timeSpan.endS must be after timeSpan.startS');

const ScenarioIssueSchema = z
  .object({
    category: z.enum(ISSUE_CATEGORIES),
    severity: z.enum(ISSUE_SEVERITIES),
    description: z.string().trim().min(1, 'an issue needs a description'),
    region: RegionSchema.optional(),
    timeSpan: TimeSpanSchema.optional(),
  })
  .strict();
export type ScenarioIssue = z.infer<typeof ScenarioIssueSchema>;

export const ScenarioRuleSchema = z
  .object({
    match: z.string().trim().min(1, 'match must be a non-empty string'),
    scores: z.array(z.number().min(0).max(100)).min(1).optional(),
    issues: z.array(ScenarioIssueSchema).optional(),
    faults: FaultsSchema.optional(),
    latencyMs: z.number().int().min(0).max(600_000).optional(),
    /** σ of the judge's per-call noise for matching analyses without scripted scores: judge.callSigma's older name. */
    judgeNoise: JudgeNoiseSchema.optional(),
    /** The judge settings for matching requests, over the simulator's; scripted scores and issues stay exact. */
    judge: JudgeSettingsPatchSchema.optional(),
    /** Answer matching pairwise requests so, whichever asset is truly better. */
    pairwise: z.enum(['first', 'second'], { error: 'pairwise must be "first" or "second"' }).optional(),
  })
  .strict()
  .refine((rule) => rule.judgeNoise === undefined || rule.judge?.callSigma === undefined, {
    message: 'judgeNoise is the older name of judge.callSigma: give one of them',
    path: ['judgeNoise'],
  });

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

/** The judge settings for a request a rule matched: the rule's own over the simulator's. */
export function judgeSettingsFor(settings: JudgeSettings, rule: ScenarioRule | undefined): JudgeSettings {
  if (rule === undefined) return settings;
  return withJudgePatch(settings, { ...(rule.judgeNoise === undefined ? {} : { callSigma: rule.judgeNoise }), ...rule.judge });
}
