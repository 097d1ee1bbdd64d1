import type { ProviderName } from './provider';

export const REVIEW_TIMEOUT_ACTIONS = ['approve_best', 'reject'] as const;
export type ReviewTimeoutAction = (typeof REVIEW_TIMEOUT_ACTIONS)[number];

/** The forms of Temporal's duration strings that people actually write, e.g. "72h", "30 minutes". */
export const DURATION_PATTERN = /^\d+(\.\d+)?\s*(ms|milliseconds?|s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|w|weeks?)$/i;

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * Milliseconds of a duration that DURATION_PATTERN accepts, read as Temporal reads it (the `ms`
 * package: "1.5h", "30 minutes"); the input checks refuse any other form before it gets here.
 */
export function durationMs(duration: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]+)$/i.exec(duration.trim());
  if (match === null || !DURATION_PATTERN.test(duration.trim())) throw new Error(`not a duration: ${duration}`);
  const unit = match[2].toLowerCase();
  const key = unit.startsWith('ms') || unit.startsWith('milli') ? 'ms' : unit[0];
  return Math.round(Number(match[1]) * UNIT_MS[key]);
}

/** CONTRACT.md: policy.candidates runs 1..4. */
export const MAX_CANDIDATES = 4;

/** An instant as ISO 8601 writes it with its time zone, e.g. "2026-12-07T18:00:00Z" (policy.deadline). */
export const INSTANT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

export interface RegenerationPolicy {
  maxAttempts: number;
  minScoreToPass: number;
  scoreImprovementThreshold: number;
  providerFallbackOrder: { video: ProviderName[]; image: ProviderName[] };
  /** A Temporal duration string such as "72h"; absent means wait for a person indefinitely. */
  reviewTimeout?: string;
  onReviewTimeout?: ReviewTimeoutAction;
  /**
   * A Temporal duration string: the longest one generation may take at any provider, when that
   * is shorter than the provider's own deadline (src/rules/generation-wait.ts).
   */
  generationTimeout?: string;
  /**
   * Points either side of minScoreToPass within which one judgment is not trusted to decide:
   * such a score is judged again (SPEC.md "Judging and choosing").
   */
  uncertaintyBand?: number;
  /** How many judgments, in all, a score near the bar gets; their combined estimate is the score. */
  judgmentsNearBar?: number;
  /**
   * Claude models the judgments of one asset take in turn (judgment 1 the first, judgment 2 the
   * next…), so a second look can come from another model; absent: ANTHROPIC_MODEL for every one.
   */
  judgeModels?: string[];
  /**
   * People as the ground truth (SPEC.md "Judging and choosing"): the share of passed scenes also
   * put in the review queue as `audit` entries that block nothing (src/rules/audit.ts).
   */
  auditRate?: number;
  /** Whether a content type's passing score is the one calibrated from people's verdicts (src/rules/calibration.ts). */
  calibratedBar?: boolean;
  /** People's verdicts a content type needs before its calibrated bar is used. */
  minDecisions?: number;
  /**
   * The most a round may spend in US dollars; an attempt whose expected price would take the
   * round past it does not start (src/rules/budget.ts). Absent: no limit per round.
   */
  maxCostUsd?: number;
  /**
   * Whether attempts 2 and later take the provider with the highest expected value, learned from
   * the recorded attempts, once there is enough evidence (src/rules/expected-value-choice.ts);
   * false: the static map of SPEC.md exactly.
   */
  learnedProviderChoice?: boolean;
  /**
   * Whether the pipeline's first generation of a scene that names no provider takes the learned
   * choice too (src/rules/attempt-plan.ts firstGenerationProvider); false: the static map's best
   * provider for the content type.
   */
  learnedFirstProvider?: boolean;
  /** Judged attempts of the scene's content type and kind (every provider) before the learned choice applies. */
  minEvidence?: number;
  /** US dollars a person's review costs: what a pass saves, the value the learned choice weighs prices against. */
  reviewCostUsd?: number;
  /**
   * Points under the bar within which an asset whose issues are all local is repaired (an edit
   * that names each defect) instead of generated anew (src/rules/repair.ts).
   */
  repairBand?: number;
  /** The most local defects one repair is asked to fix. */
  maxRepairDefects?: number;
  /**
   * CONTRACT.md: how many candidates each attempt makes at once, the best kept (1..4,
   * src/rules/candidates.ts); absent: 1.
   */
  candidates?: number;
  /**
   * CONTRACT.md: when the scene must be ready, ISO 8601. When the time left allows only one more
   * attempt, that attempt makes as many candidates as the budget allows (src/rules/candidates.ts).
   */
  deadline?: string;
}

export type PartialPolicy = Partial<RegenerationPolicy>;
