import { z } from 'zod';
import { parseJudgeSpec } from './judge/judge-settings';
import type { SimSettingsPatch } from './sim-settings';

/**
 * The simulator's own settings from its environment (`npm run sim`), as a patch over the demo's
 * defaults; startSimulator validates the values like any POST /_sim/settings.
 *
 *   SIM_JUDGE             realistic | exact | name=value,… (persistent, call, rho, pairwise,
 *                         position, recall, spurious, or the full names), over the exact judge or
 *                         after a leading "realistic," over the realistic one
 *   SIM_JUDGE_NOISE       σ of the per-call noise: judge.callSigma's older name
 *   SIM_SEED              the seed of every draw
 *   SIM_PROVIDER_PROFILE  1/true/on: renders carry their provider's mark, the judge adds the profile
 *   SIM_REVIEWER_BARS     contentType=bar,… over the default bars, e.g. person=80,food=60
 *   SIM_REVIEWER_SIGMA    σ of one review around the true quality
 */
const SimEnvSchema = z.object({
  SIM_JUDGE: z.string().trim().optional(),
  SIM_JUDGE_NOISE: z.coerce.number().min(0).optional(),
  SIM_SEED: z.coerce.number().int().min(0).default(1),
  SIM_PROVIDER_PROFILE: z
    .enum(['', '0', '1', 'false', 'true', 'off', 'on'])
    .default('')
    .transform((value) => value === '1' || value === 'true' || value === 'on'),
  SIM_REVIEWER_BARS: z.string().trim().optional(),
  SIM_REVIEWER_SIGMA: z.coerce.number().min(0).optional(),
});

export class InvalidSimEnvError extends Error {
  override readonly name = 'InvalidSimEnvError';
}

export function simSettingsFromEnv(env: Record<string, string | undefined>): SimSettingsPatch {
  const parsed = SimEnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new InvalidSimEnvError(
      `Invalid simulator environment: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`,
    );
  }
  const e = parsed.data;
  const judge = e.SIM_JUDGE === undefined || e.SIM_JUDGE === '' ? {} : { ...parseJudgeSpec(e.SIM_JUDGE) };
  if (e.SIM_JUDGE_NOISE !== undefined) {
    if (e.SIM_JUDGE !== undefined && /\bcall(?:Sigma)?\s*=/.test(e.SIM_JUDGE)) {
      throw new InvalidSimEnvError('Invalid simulator environment: SIM_JUDGE_NOISE and SIM_JUDGE call= both set the per-call σ; give one');
    }
    Object.assign(judge, { callSigma: e.SIM_JUDGE_NOISE });
  }
  return {
    seed: e.SIM_SEED,
    providerProfile: e.SIM_PROVIDER_PROFILE,
    judge,
    ...(e.SIM_REVIEWER_BARS ? { reviewerBars: parseBars(e.SIM_REVIEWER_BARS) } : {}),
    ...(e.SIM_REVIEWER_SIGMA === undefined ? {} : { reviewerSigma: e.SIM_REVIEWER_SIGMA }),
  };
}

function parseBars(spec: string): Record<string, number> {
  const bars: Record<string, number> = {};
  for (const part of spec.split(',').map((item) => item.trim()).filter((item) => item !== '')) {
    const match = /^([A-Za-z][\w-]*)\s*=\s*(\S+)$/.exec(part);
    const value = match === null ? NaN : Number(match[2]);
    if (match === null || !Number.isFinite(value)) {
      throw new InvalidSimEnvError(`Invalid simulator environment: SIM_REVIEWER_BARS: "${part}" is not contentType=number`);
    }
    bars[match[1].toLowerCase()] = value;
  }
  return bars;
}
