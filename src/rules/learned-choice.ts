import type { SceneKind } from '../domain/scene';
import type { ProviderEvidence } from '../domain/provider-evidence';
import type { ProviderName } from '../domain/provider';

/**
 * Expected passes per dollar: the share of attempts that passed over the mean cost of an attempt,
 * which is passes over dollars spent. Every attempt's cost counts, judged or not (a generation
 * that failed after billing was money spent on the way to a pass). Free passes (no recorded
 * cost) rank above any priced ones; no pass is worth 0.
 */
export function passPerDollar(e: ProviderEvidence): number {
  if (e.passedAttempts === 0) return 0;
  return e.totalCostUsd > 0 ? e.passedAttempts / e.totalCostUsd : Number.POSITIVE_INFINITY;
}

export interface LearnedChoiceArgs {
  attemptNumber: number;
  currentProvider: ProviderName;
  contentType: string;
  kind: SceneKind;
  /** Those that can make the scene, in fallback order. */
  candidates: readonly ProviderName[];
  evidence: readonly ProviderEvidence[];
  minEvidence: number;
  /** Providers this round's attempts already used: on equal merit an untried one goes first. */
  usedThisRound: readonly ProviderName[];
}

/**
 * SPEC.md "Learned choice": the provider for attempt 2 or 3, or undefined when the static map
 * stands. Only candidates with at least `minEvidence` judged attempts for the scene's content
 * type and kind are compared: a provider with less has no rate worth trusting, so it neither
 * wins nor blocks (when none qualifies, the static choice stands). Attempt 3 takes the best
 * expected pass per dollar of them all, attempt 2 the best that is not the current provider
 * (attempt 1 already tries that one). Ties go to the higher pass rate, then a provider not yet
 * used this round, then the fallback order: the same evidence always gives the same answer.
 */
export function learnedProvider(args: LearnedChoiceArgs): ProviderName | undefined {
  const { attemptNumber, currentProvider, candidates, minEvidence, usedThisRound } = args;
  if (attemptNumber !== 2 && attemptNumber !== 3) return undefined;
  const contentType = args.contentType.toLowerCase();
  const qualified = candidates
    .filter((provider) => attemptNumber === 3 || provider !== currentProvider)
    .map((provider, order) => ({
      provider,
      order,
      evidence: args.evidence.find((e) => e.provider === provider && e.contentType === contentType && e.kind === args.kind),
    }))
    .filter((c): c is typeof c & { evidence: ProviderEvidence } => c.evidence !== undefined && c.evidence.judgedAttempts >= minEvidence);
  const ranked = qualified.sort(
    (a, b) =>
      passPerDollar(b.evidence) - passPerDollar(a.evidence) ||
      passRate(b.evidence) - passRate(a.evidence) ||
      Number(usedThisRound.includes(a.provider)) - Number(usedThisRound.includes(b.provider)) ||
      a.order - b.order,
  );
  return ranked[0]?.provider;
}

/** Passed over judged attempts: what the judge made of the provider's assets. */
export function passRate(e: ProviderEvidence): number {
  return e.judgedAttempts > 0 ? e.passedAttempts / e.judgedAttempts : 0;
}
