/**
 * People's verdicts, the ground truth the judge is measured against (SPEC.md "Judging and
 * choosing"): a reviewer's approve or reject of an escalated scene, and the label of an audit.
 */
export interface Verdict {
  /** The judged score of the asset the person accepted or turned down. */
  score: number;
  accepted: boolean;
  /** What the judge said of the same asset: passed (an audit) or not (an escalation). */
  judgePassed: boolean;
}

/** The logistic curve of the share people accept by judged score: 1 / (1 + e^-(score − midpoint) / scale). */
export interface AcceptanceCurve {
  /** The judged score at which people accept half the time. */
  midpoint: number;
  /** Points over which the share goes from ½ to e/(1+e) ≈ 73 %: how sharp people's line is in judged points. */
  scale: number;
  /** Standard error of the midpoint, in points. */
  standardError: number;
}

/** A share with its 95 % Wilson interval. */
export interface Share {
  count: number;
  of: number;
  /** count / of; null when of is 0. */
  rate: number | null;
  low: number | null;
  high: number | null;
}

/** The bar a round judged against, and why (SPEC.md: with `policy.calibratedBar`, the calibrated one). */
export interface PassingBar {
  score: number;
  source: 'configured' | 'calibrated';
  /** The policy's minScoreToPass. */
  configured: number;
  /** People's verdicts behind the content type's calibration when the round opened; absent when not read (calibratedBar off). */
  verdicts?: number;
  /** The judged score at which people accept half the time, before the ±10 bound; absent when none could be estimated. */
  calibrated?: number;
}

/** Verdicts in one bin of judged score (the bin's lowest score), for the Insights chart. */
export interface ScoreBin {
  score: number;
  verdicts: number;
  accepted: number;
}

/** GET /api/insights: one content type's calibration from people's verdicts. */
export interface PeopleCalibration {
  /** Lower-cased. */
  contentType: string;
  /** People's verdicts behind the figures: decisions on escalated scenes and audit labels. */
  verdicts: number;
  accepted: number;
  /** The judged score at which people accept half the time (curve.midpoint); null without a curve. */
  calibratedBar: number | null;
  curve: AcceptanceCurve | null;
  /** How often the judge's call (pass or not) was people's, with its 95 % interval. */
  agreement: Share;
  byScore: ScoreBin[];
}
