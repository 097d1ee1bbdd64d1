import type { ProviderEvidence } from '../domain/provider-evidence';
import type { ProviderName } from '../domain/provider';
import type { SkippedProvider } from '../domain/regeneration';
import type { AttemptContext } from '../domain/round-steps';
import { learnedProvider } from './learned-choice';
import { LEARNED_CHOICE_DEFAULTS } from './policy';
import { providerCandidates, providerForAttempt } from './provider-choice';

/** Whether the recorded attempts may choose this attempt's provider (SPEC.md "Learned choice"). */
export function learnedChoiceApplies(context: Pick<AttemptContext, 'attemptNumber' | 'policy'>): boolean {
  const { policy, attemptNumber } = context;
  return policy.learnedProviderChoice !== false && policy.maxAttempts >= 2 && (attemptNumber === 2 || attemptNumber === 3);
}

export interface AttemptPlan {
  /** The provider the rules would use if its breaker lets it through. */
  preferred: ProviderName;
  /** Providers to try in order, each able to make the scene and configured. */
  candidates: ProviderName[];
  /** Providers passed over before the breakers are asked, with the reason. */
  skipped: SkippedProvider[];
  /** The recorded attempts chose `preferred` over the static map. */
  learned: boolean;
}

/**
 * The providers an attempt may use, best first (SPEC.md "Provider for each attempt", "Cost and
 * provider health"): the learned choice when the evidence supports one, else the static map;
 * then the rest of the fallback order; never one that cannot make the scene nor one whose key is
 * not configured. Each passed over before the first usable one is reported with the reason.
 */
export function planAttempt(
  context: AttemptContext,
  evidence: readonly ProviderEvidence[],
  keyProblem: (provider: ProviderName) => string | undefined,
): AttemptPlan {
  const { attemptNumber, roundProvider, policy, needs } = context;
  const fallbackOrder = policy.providerFallbackOrder[needs.kind];
  const learned = learnedChoiceApplies(context)
    ? learnedProvider({
        attemptNumber,
        currentProvider: roundProvider,
        contentType: context.contentType,
        kind: needs.kind,
        candidates: providerCandidates(roundProvider, fallbackOrder, needs).candidates.filter((p) => keyProblem(p) === undefined),
        evidence,
        minEvidence: policy.minEvidence ?? LEARNED_CHOICE_DEFAULTS.minEvidence,
        usedThisRound: context.usedThisRound,
      })
    : undefined;
  const preferred =
    learned ?? providerForAttempt({ attemptNumber, currentProvider: roundProvider, contentType: context.contentType, fallbackOrder });
  const fitting = providerCandidates(preferred, fallbackOrder, needs);
  const candidates: ProviderName[] = [];
  const skipped = [...fitting.skipped];
  for (const provider of fitting.candidates) {
    const problem = keyProblem(provider);
    if (problem === undefined) candidates.push(provider);
    else if (candidates.length === 0) skipped.push({ provider, reason: problem });
  }
  return { preferred, candidates, skipped, learned: learned !== undefined };
}
