import { z } from 'zod';
import { EXACT_JUDGE, JudgeNoiseSchema, JudgeSettingsPatchSchema, MAX_SIGMA, withJudgePatch, type JudgeSettings } from './judge/judge-settings';
import { DEFAULT_EDIT_SETTINGS, EditSettingsPatchSchema, withEditPatch, type EditSettings } from './edit-model';
import { DEFAULT_REVIEWER_BARS, DEFAULT_REVIEWER_SIGMA, ReviewerBarsSchema } from './judge/reviewer';

/**
 * The simulator-wide settings (CONTRACT.md "The simulator"): how far its judge is from people,
 * the seed of every draw, the provider profile, and the simulated reviewers' hidden bars. The
 * defaults keep the demo readable: an exact judge, no provider marks.
 */
export interface SimSettings {
  /** Seeds every draw (judge errors, pairwise answers, issue lists, reviews): a run replays exactly. */
  seed: number;
  /** Generated files carry their provider's mark, and the judge adds the provider quality profile. */
  providerProfile: boolean;
  judge: JudgeSettings;
  /** Each content type's bar (lower-case names), over DEFAULT_REVIEWER_BARS. */
  reviewerBars: Record<string, number>;
  /** σ (points) of one review around the true quality. */
  reviewerSigma: number;
  /** The edit endpoints' chance to fix each named defect, and to damage something else (edit-model.ts). */
  edit: EditSettings;
}

export const DEFAULT_SIM_SETTINGS: Readonly<SimSettings> = {
  seed: 1,
  providerProfile: false,
  judge: EXACT_JUDGE,
  reviewerBars: { ...DEFAULT_REVIEWER_BARS },
  reviewerSigma: DEFAULT_REVIEWER_SIGMA,
  edit: DEFAULT_EDIT_SETTINGS,
};

const SeedSchema = z
  .number({ error: 'seed must be a whole number from 0 to 4294967295' })
  .int('seed must be a whole number from 0 to 4294967295')
  .min(0, 'seed must be a whole number from 0 to 4294967295')
  .max(0xffffffff, 'seed must be a whole number from 0 to 4294967295');

/** Body of POST /_sim/settings: any subset of the settings; `judgeNoise` is judge.callSigma's older name. */
export const SimSettingsPatchSchema = z
  .object({
    seed: SeedSchema.optional(),
    providerProfile: z.boolean({ error: 'providerProfile must be true or false' }).optional(),
    judge: JudgeSettingsPatchSchema.optional(),
    judgeNoise: JudgeNoiseSchema.optional(),
    reviewerBars: ReviewerBarsSchema.optional(),
    reviewerSigma: z
      .number({ error: `reviewerSigma must be a number of points from 0 to ${MAX_SIGMA}` })
      .min(0, `reviewerSigma must be a number of points from 0 to ${MAX_SIGMA}`)
      .max(MAX_SIGMA, `reviewerSigma must be a number of points from 0 to ${MAX_SIGMA}`)
      .optional(),
    edit: EditSettingsPatchSchema.optional(),
  })
  .strict()
  .refine((patch) => patch.judgeNoise === undefined || patch.judge?.callSigma === undefined, {
    message: 'judgeNoise is the older name of judge.callSigma: give one of them',
    path: ['judgeNoise'],
  });
export type SimSettingsPatch = z.input<typeof SimSettingsPatchSchema>;

export class InvalidSimSettingsError extends Error {
  override readonly name = 'InvalidSimSettingsError';
}

/** Settings from untrusted input, over `base`; the error names every offending field and nothing changes. */
export function applySettings(base: SimSettings, patch: unknown): SimSettings {
  const parsed = SimSettingsPatchSchema.safeParse(patch ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
      .join('; ');
    throw new InvalidSimSettingsError(`Invalid simulator settings: ${problems}`);
  }
  const { seed, providerProfile, judge, judgeNoise, reviewerBars, reviewerSigma, edit } = parsed.data;
  return {
    seed: seed ?? base.seed,
    providerProfile: providerProfile ?? base.providerProfile,
    judge: withJudgePatch(base.judge, { ...judge, ...(judgeNoise === undefined ? {} : { callSigma: judgeNoise }) }),
    reviewerBars: { ...base.reviewerBars, ...reviewerBars },
    reviewerSigma: reviewerSigma ?? base.reviewerSigma,
    edit: withEditPatch(base.edit, edit),
  };
}
