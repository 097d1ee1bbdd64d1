import { z } from 'zod';

/**
 * How far the simulated judge is from a careful person (CONTRACT.md "The simulator",
 * `judge: {…}`). A judged score is `true quality + persistent error + per-call noise`; a
 * pairwise answer is right with a probability that falls as the two assets get closer; an issue
 * list misses real defects and adds spurious ones.
 */
export interface JudgeSettings {
  /** σ (points) of the error that belongs to (asset, view): asking the same question again repeats it. */
  persistentSigma: number;
  /** σ (points) of the noise drawn afresh on every call. */
  callSigma: number;
  /** Correlation between the persistent errors of two different views of one asset, 0..1. */
  viewCorrelation: number;
  /** Share of right pairwise answers for pairs within CLOSE_PAIR_POINTS of each other; 1 = always right. */
  pairwiseAccuracy: number;
  /** How much more often than even the first-shown of two equal assets is preferred, 0..0.5. */
  firstPositionBias: number;
  /** Chance that a real defect is reported, 0..1. */
  issueRecall: number;
  /** Chance that a verdict carries one defect that is not there, 0..1. */
  spuriousIssueRate: number;
}

/** The demo's judge: exactly the true quality, every pair right, every issue real and reported. */
export const EXACT_JUDGE: Readonly<JudgeSettings> = {
  persistentSigma: 0,
  callSigma: 0,
  viewCorrelation: 0.5,
  pairwiseAccuracy: 1,
  firstPositionBias: 0,
  issueRecall: 1,
  spuriousIssueRate: 0,
};

/**
 * A judge as far from people as published ones (research/peers.md §7, "How far a judge's score
 * is from a person's"): judges agree with themselves on a re-run (test–retest above 0.95) yet
 * correlate with people at only about 0.4–0.5 (VIEScore, ACL 2024; MLLM-as-a-Judge, arXiv
 * 2402.04788), so most of the error is persistent: σ 8 persistent, 3 per call, and a second
 * view shares half of it (the quality benchmark's defaults). Pairwise choices agree with people
 * about 77 % of the time (MLLM-as-a-Judge), with a first-position preference strongest on close
 * pairs (MT-Bench, arXiv 2306.05685; arXiv 2406.07791): 0.8 on close pairs and 0.05. No published
 * figure was found for how often a judge misses or invents a defect; 0.85 and 0.1 are assumptions.
 */
export const REALISTIC_JUDGE: Readonly<JudgeSettings> = {
  persistentSigma: 8,
  callSigma: 3,
  viewCorrelation: 0.5,
  pairwiseAccuracy: 0.8,
  firstPositionBias: 0.05,
  issueRecall: 0.85,
  spuriousIssueRate: 0.1,
};

/**
 * Pairs at most this many points apart are "close": the uncertainty band the quality benchmark measures the
 * pairwise accuracy in (the simulator names its own figure; it reads nothing of the product's policy).
 */
export const CLOSE_PAIR_POINTS = 5;

/** σ above this is no longer a judge, only noise. */
export const MAX_SIGMA = 50;

const sigma = (name: string) =>
  z
    .number({ error: `${name} must be a number of points from 0 to ${MAX_SIGMA}` })
    .min(0, `${name} must be a number of points from 0 to ${MAX_SIGMA}`)
    .max(MAX_SIGMA, `${name} must be a number of points from 0 to ${MAX_SIGMA}`);

const share = (name: string, min: number, max: number) =>
  z
    .number({ error: `${name} must be a number from ${min} to ${max}` })
    .min(min, `${name} must be a number from ${min} to ${max}`)
    .max(max, `${name} must be a number from ${min} to ${max}`);

/** Any subset of the judge settings; unknown names are refused. */
export const JudgeSettingsPatchSchema = z
  .object({
    persistentSigma: sigma('persistentSigma').optional(),
    callSigma: sigma('callSigma').optional(),
    viewCorrelation: share('viewCorrelation', 0, 1).optional(),
    pairwiseAccuracy: share('pairwiseAccuracy', 0.5, 1).optional(),
    firstPositionBias: share('firstPositionBias', 0, 0.5).optional(),
    issueRecall: share('issueRecall', 0, 1).optional(),
    spuriousIssueRate: share('spuriousIssueRate', 0, 1).optional(),
  } satisfies Record<keyof JudgeSettings, z.ZodType>)
  .strict();
export type JudgeSettingsPatch = z.infer<typeof JudgeSettingsPatchSchema>;

/** The older name of `callSigma`: σ of fresh noise per call (SIM_JUDGE_NOISE, a rule's judgeNoise). */
export const JudgeNoiseSchema = sigma('judgeNoise');

export function withJudgePatch(base: JudgeSettings, patch: JudgeSettingsPatch | undefined): JudgeSettings {
  if (patch === undefined) return base;
  const defined = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
  return { ...base, ...defined };
}

/** The short names of the `--noise`/SIM_JUDGE form: `persistent=8,call=3,rho=0.5,pairwise=0.8,position=0.05`. */
const SHORT_NAMES: Readonly<Record<string, keyof JudgeSettings>> = {
  persistent: 'persistentSigma',
  call: 'callSigma',
  rho: 'viewCorrelation',
  pairwise: 'pairwiseAccuracy',
  position: 'firstPositionBias',
  recall: 'issueRecall',
  spurious: 'spuriousIssueRate',
};

export class InvalidJudgeSpecError extends Error {
  override readonly name = 'InvalidJudgeSpecError';
}

/**
 * Reads `realistic`, `exact`, or `name=value` pairs separated by commas (short or full names),
 * over the exact judge or, after a leading `realistic,`, over the realistic one.
 */
export function parseJudgeSpec(spec: string): JudgeSettings {
  const parts = spec
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  let base: JudgeSettings = { ...EXACT_JUDGE };
  const patch: Record<string, number> = {};
  for (const [index, part] of parts.entries()) {
    if (index === 0 && (part === 'realistic' || part === 'exact')) {
      base = { ...(part === 'realistic' ? REALISTIC_JUDGE : EXACT_JUDGE) };
      continue;
    }
    const match = /^([A-Za-z]+)\s*=\s*(\S+)$/.exec(part);
    const name = match === null ? undefined : (SHORT_NAMES[match[1]] ?? (match[1] in EXACT_JUDGE ? (match[1] as keyof JudgeSettings) : undefined));
    if (match === null || name === undefined) {
      throw new InvalidJudgeSpecError(
        `judge settings: "${part}" is not name=value with a name of ${[...Object.keys(SHORT_NAMES), ...Object.keys(EXACT_JUDGE)].join(', ')}`,
      );
    }
    const value = Number(match[2]);
    if (!Number.isFinite(value)) throw new InvalidJudgeSpecError(`judge settings: ${match[1]} must be a number, got "${match[2]}"`);
    patch[name] = value;
  }
  const parsed = JudgeSettingsPatchSchema.safeParse(patch);
  if (!parsed.success) {
    throw new InvalidJudgeSpecError(`judge settings: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`);
  }
  return withJudgePatch(base, parsed.data);
}
