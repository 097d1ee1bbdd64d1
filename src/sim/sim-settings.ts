import { z } from 'zod';

/**
 * The simulator-wide settings that make its judge harder (CONTRACT.md "The simulator"). The
 * defaults are the simulator as it always was: no noise, no provider marks.
 */
export interface SimSettings {
  /** σ of the judge's score noise, in points, where no scenario rule sets its own; 0 = none. */
  judgeNoise: number;
  /** Seeds the noise, so a whole run is reproducible. */
  seed: number;
  /** Generated files carry their provider's mark, and the judge adds the provider quality profile. */
  providerProfile: boolean;
}

export const DEFAULT_SIM_SETTINGS: Readonly<SimSettings> = { judgeNoise: 0, seed: 1, providerProfile: false };

/** σ above this is no longer a judge, only noise. */
export const MAX_JUDGE_NOISE = 50;

export const JudgeNoiseSchema = z
  .number({ error: `judgeNoise must be a number of points from 0 to ${MAX_JUDGE_NOISE}` })
  .min(0, `judgeNoise must be a number of points from 0 to ${MAX_JUDGE_NOISE}`)
  .max(MAX_JUDGE_NOISE, `judgeNoise must be a number of points from 0 to ${MAX_JUDGE_NOISE}`);

const SeedSchema = z
  .number({ error: 'seed must be a whole number from 0 to 4294967295' })
  .int('seed must be a whole number from 0 to 4294967295')
  .min(0, 'seed must be a whole number from 0 to 4294967295')
  .max(0xffffffff, 'seed must be a whole number from 0 to 4294967295');

/** Body of POST /_sim/settings: any subset of the settings. */
export const SimSettingsPatchSchema = z
  .object({
    judgeNoise: JudgeNoiseSchema.optional(),
    seed: SeedSchema.optional(),
    providerProfile: z.boolean({ error: 'providerProfile must be true or false' }).optional(),
  })
  .strict();
export type SimSettingsPatch = z.infer<typeof SimSettingsPatchSchema>;

export class InvalidSimSettingsError extends Error {
  override readonly name = 'InvalidSimSettingsError';
}

/** Settings from untrusted input, over `base`; the error names every offending field. */
export function applySettings(base: SimSettings, patch: unknown): SimSettings {
  const parsed = SimSettingsPatchSchema.safeParse(patch ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
      .join('; ');
    throw new InvalidSimSettingsError(`Invalid simulator settings: ${problems}`);
  }
  const defined = Object.fromEntries(Object.entries(parsed.data).filter(([, value]) => value !== undefined));
  return { ...base, ...defined };
}
