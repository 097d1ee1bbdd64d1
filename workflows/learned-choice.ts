import { ActivityFailure, isCancellation, log, patched } from '@temporalio/workflow';
import type { SceneKind } from '../src/domain/scene';
import type { RegenerationPolicy } from '../src/domain/policy';
import type { ProviderEvidence } from '../src/domain/provider-evidence';
import type { ProviderName } from '../src/domain/provider';
import { db } from './activities';
import { capabilityProblem, type SceneNeeds } from '../src/rules/capabilities';
import { learnedProvider } from '../src/rules/learned-choice';
import { LEARNED_CHOICE_DEFAULTS } from '../src/rules/policy';

/**
 * Marks runs that read the recorded attempts at each round's start and let them choose the
 * provider of attempts 2 and 3; older recorded runs replay the static map alone.
 */
export const PATCH_LEARNED_PROVIDER_CHOICE = 'learned-provider-choice';

/** What a round learned at its start: the evidence and the providers that can make the scene. */
export interface RoundEvidence {
  contentType: string;
  kind: SceneKind;
  evidence: ProviderEvidence[];
  /** The fallback order less the providers that cannot make the scene. */
  candidates: ProviderName[];
  minEvidence: number;
}

/**
 * Reads the evidence once, at the round's start, through an activity: it is in the round's
 * history, so a replay decides the same whatever has been recorded since. Undefined when the
 * static map stands for the whole round: learned choice off, a round of one attempt, or a run
 * recorded before the marker. With the policy off nothing is asked, not even the marker.
 */
export async function readRoundEvidence(args: {
  contentType: string;
  kind: SceneKind;
  needs: SceneNeeds;
  fallbackOrder: readonly ProviderName[];
  policy: RegenerationPolicy;
}): Promise<RoundEvidence | undefined> {
  const { policy, kind, needs } = args;
  if (policy.learnedProviderChoice === false || policy.maxAttempts < 2) return undefined;
  if (!patched(PATCH_LEARNED_PROVIDER_CHOICE)) return undefined;
  const contentType = args.contentType.toLowerCase();
  let evidence: ProviderEvidence[];
  try {
    evidence = await db.providerEvidence.executeWithOptions({ summary: `provider evidence · ${contentType} ${kind}` }, [
      { contentType, kind },
    ]);
  } catch (error) {
    // Only a refusal the database activities will not retry ends up here: the round goes on
    // with the static map rather than failing over an optimisation.
    if (!(error instanceof ActivityFailure) || isCancellation(error)) throw error;
    log.warn('provider evidence unavailable; the static provider choice stands', { error: error.message });
    return undefined;
  }
  return {
    contentType,
    kind,
    evidence,
    candidates: args.fallbackOrder.filter((provider) => capabilityProblem(provider, needs) === undefined),
    minEvidence: policy.minEvidence ?? LEARNED_CHOICE_DEFAULTS.minEvidence,
  };
}

/** The learned provider for the attempt, or undefined when the static choice stands. */
export function learnedChoiceFor(
  round: RoundEvidence | undefined,
  attempt: { attemptNumber: number; currentProvider: ProviderName; usedThisRound: readonly ProviderName[] },
): ProviderName | undefined {
  if (round === undefined) return undefined;
  return learnedProvider({ ...attempt, ...round });
}
