import type { AcceptanceCurve, PassingBar, PeopleCalibration, ScoreBin, Share, Verdict } from '../domain/calibration';
import type { RegenerationPolicy } from '../domain/policy';
import { REVIEW_TIMEOUT_REVIEWER, type UserDecision } from '../domain/regeneration';
import { roundTo } from '../domain/numbers';

/** SPEC.md "Judging and choosing": a calibrated bar stays within the configured score ± 10. */
export const CALIBRATED_BAR_RANGE = 10;

/** What a closed review entry holds that makes it a verdict. */
export interface DecidedEntryFacts {
  reason: string;
  decision: UserDecision;
  /** The round's best score, and whether the round had a best that could be approved. */
  bestScore: number;
  hasBest: boolean;
  /** The judged score of the attempt an approve names (0: the round's start), when it names one. */
  namedScore?: number;
}

/**
 * A person's verdict in a closed entry: an approve accepts the asset it takes (the best, or the
 * one it names), a reject turns down the best and so everything below it. A regenerate says
 * nothing of the asset (the person may want another direction), nor does the review-timeout
 * policy deciding in no one's place, nor a round with nothing that could be approved.
 */
export function verdictOf(entry: DecidedEntryFacts): Verdict | undefined {
  const { decision } = entry;
  if (decision.reviewer === REVIEW_TIMEOUT_REVIEWER || decision.action === 'regenerate') return undefined;
  const judgePassed = entry.reason === 'audit';
  if (decision.action === 'reject') return entry.hasBest ? { score: entry.bestScore, accepted: false, judgePassed } : undefined;
  const score = decision.attemptNumber === undefined ? (entry.hasBest ? entry.bestScore : undefined) : entry.namedScore;
  return score === undefined ? undefined : { score, accepted: true, judgePassed };
}

/*
 * The curve is a logistic regression of accepted on the judged score, fitted by Newton's method
 * on x = (score − 70) / 10 with a weak N(0, 5²) prior on both coefficients: the maximum
 * likelihood fit is infinitely steep when accepted and turned down do not overlap (common with
 * few verdicts), and the prior keeps it finite without moving an overlapping fit by more than a
 * fraction of a point (Gelman et al. 2008, "A weakly informative default prior distribution for
 * logistic and other regression models", Ann. Appl. Stat. 2(4)).
 */
const CENTRE = 70;
const UNIT = 10;
const PRIOR_VARIANCE = 25;
const ITERATIONS = 100;

/**
 * The share people accept by judged score, as a logistic curve; undefined without both an
 * accepted and a turned-down verdict, or when people accept less as the score rises (the judge
 * tells them nothing then, and no score is "the bar").
 */
export function fitAcceptance(verdicts: readonly Verdict[]): AcceptanceCurve | undefined {
  if (!verdicts.some((v) => v.accepted) || !verdicts.some((v) => !v.accepted)) return undefined;
  const xs = verdicts.map((v) => (v.score - CENTRE) / UNIT);
  let a = 0;
  let b = 1;
  let info = [0, 0, 0];
  for (let i = 0; i < ITERATIONS; i++) {
    let [ga, gb] = [-a / PRIOR_VARIANCE, -b / PRIOR_VARIANCE];
    let [haa, hab, hbb] = [1 / PRIOR_VARIANCE, 0, 1 / PRIOR_VARIANCE];
    verdicts.forEach((v, j) => {
      const x = xs[j]!;
      const p = 1 / (1 + Math.exp(-(a + b * x)));
      const w = p * (1 - p);
      ga += (v.accepted ? 1 : 0) - p;
      gb += ((v.accepted ? 1 : 0) - p) * x;
      haa += w;
      hab += w * x;
      hbb += w * x * x;
    });
    info = [haa, hab, hbb];
    const det = haa * hbb - hab * hab;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    a += da;
    b += db;
    if (Math.abs(da) + Math.abs(db) < 1e-10) break;
  }
  if (!(b > 0)) return undefined;
  // Delta method: m = −a/b, its gradient (−1/b, a/b²), the covariance the inverse of the information.
  const [haa, hab, hbb] = info as [number, number, number];
  const det = haa * hbb - hab * hab;
  const [ma, mb] = [-1 / b, a / (b * b)];
  const variance = (ma * ma * hbb - 2 * ma * mb * hab + mb * mb * haa) / det;
  return {
    midpoint: roundTo(Math.min(100, Math.max(0, CENTRE + (UNIT * -a) / b)), 100),
    scale: roundTo(UNIT / b, 100),
    standardError: roundTo(UNIT * Math.sqrt(variance), 100),
  };
}

/** The curve's share accepted at a judged score. */
export function acceptedShareAt(curve: Pick<AcceptanceCurve, 'midpoint' | 'scale'>, score: number): number {
  return 1 / (1 + Math.exp(-(score - curve.midpoint) / curve.scale));
}

/** 95 % two-sided normal quantile. */
const Z95 = 1.959964;

/**
 * `count` of `of` with its 95 % Wilson score interval (Wilson 1927; Brown, Cai and DasGupta 2001,
 * "Interval Estimation for a Binomial Proportion", Stat. Sci. 16(2)): unlike p ± 1.96·se it stays
 * within 0..1 and does not shrink to nothing at 0 or all of a few.
 */
export function shareWithInterval(count: number, of: number): Share {
  if (of <= 0) return { count, of, rate: null, low: null, high: null };
  const p = count / of;
  const z2 = Z95 * Z95;
  const centre = (p + z2 / (2 * of)) / (1 + z2 / of);
  const half = (Z95 / (1 + z2 / of)) * Math.sqrt((p * (1 - p)) / of + z2 / (4 * of * of));
  return {
    count,
    of,
    rate: roundTo(p, 10_000),
    low: roundTo(Math.max(0, centre - half), 10_000),
    high: roundTo(Math.min(1, centre + half), 10_000),
  };
}

/** How often the judge's call (passed or not) and people's (accepted or not) were the same. */
export function judgeAgreement(verdicts: readonly Verdict[]): Share {
  return shareWithInterval(verdicts.filter((v) => v.judgePassed === v.accepted).length, verdicts.length);
}

/** Width of the score bins the Insights chart draws the share accepted in. */
export const SCORE_BIN = 5;

/** Verdicts and acceptances per SCORE_BIN-point bin of judged score (a bin is named by its lowest score), bins with verdicts only. */
export function acceptedByScore(verdicts: readonly Verdict[]): ScoreBin[] {
  const bins = new Map<number, { verdicts: number; accepted: number }>();
  for (const v of verdicts) {
    const score = Math.min(100 - SCORE_BIN, Math.floor(v.score / SCORE_BIN) * SCORE_BIN);
    const bin = bins.get(score) ?? { verdicts: 0, accepted: 0 };
    bin.verdicts++;
    if (v.accepted) bin.accepted++;
    bins.set(score, bin);
  }
  return [...bins.entries()].sort(([x], [y]) => x - y).map(([score, bin]) => ({ score, ...bin }));
}

/** What people's verdicts say of one content type (GET /api/insights). */
export function calibrationOf(contentType: string, verdicts: readonly Verdict[]): PeopleCalibration {
  const curve = fitAcceptance(verdicts) ?? null;
  return {
    contentType,
    verdicts: verdicts.length,
    accepted: verdicts.filter((v) => v.accepted).length,
    calibratedBar: curve?.midpoint ?? null,
    curve,
    agreement: judgeAgreement(verdicts),
    byScore: acceptedByScore(verdicts),
  };
}

/** Verdicts grouped by content type, each calibrated, in content type order. */
export function calibrationsByContentType(verdicts: readonly { contentType: string; verdict: Verdict }[]): PeopleCalibration[] {
  const byType = new Map<string, Verdict[]>();
  for (const { contentType, verdict } of verdicts) byType.set(contentType, [...(byType.get(contentType) ?? []), verdict]);
  return [...byType.keys()].sort().map((contentType) => calibrationOf(contentType, byType.get(contentType)!));
}

/**
 * The passing score a round judges against (SPEC.md "Judging and choosing"): with
 * `policy.calibratedBar` and at least `policy.minDecisions` verdicts for the content type, the
 * calibrated one, bounded to the configured score ± 10; otherwise the configured score. No
 * calibration given: the verdicts were not read (the policy does not ask for them).
 */
export function passingBar(
  policy: Pick<RegenerationPolicy, 'minScoreToPass' | 'calibratedBar' | 'minDecisions'>,
  calibration?: { verdicts: number; midpoint?: number },
): PassingBar {
  const configured = policy.minScoreToPass;
  if (calibration === undefined) return { score: configured, source: 'configured', configured };
  const known = { configured, verdicts: calibration.verdicts, ...(calibration.midpoint === undefined ? {} : { calibrated: calibration.midpoint }) };
  const enough = calibration.verdicts >= (policy.minDecisions ?? 0);
  if (policy.calibratedBar !== true || !enough || calibration.midpoint === undefined) return { score: configured, source: 'configured', ...known };
  const bounded = Math.min(configured + CALIBRATED_BAR_RANGE, Math.max(configured - CALIBRATED_BAR_RANGE, calibration.midpoint));
  return { score: roundTo(Math.min(100, Math.max(0, bounded)), 10), source: 'calibrated', ...known };
}
