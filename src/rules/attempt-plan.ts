import type { AttemptEvidence } from '../domain/provider-evidence';
import type { ProviderName } from '../domain/provider';
import type { ProviderChoiceFigures, SkippedProvider } from '../domain/regeneration';
import type { AttemptContext } from '../domain/round-steps';
import { expectedAttemptUsd } from './budget';
import { chooseByExpectedValue, type RepairOption } from './expected-value-choice';
import { LEARNED_CHOICE_DEFAULTS } from './policy';
import { BEST_PROVIDER_FOR_CONTENT, providerCandidates, providerForAttempt, sceneNeeds } from './provider-choice';
import type { RegenerationPolicy } from '../domain/policy';
import type { Scene } from '../domain/scene';
import { fitScoreModel } from './score-model';

/** Whether the recorded attempts may choose this attempt's provider (SPEC.md "Cost and provider health", learned choice). */
export function learnedChoiceApplies(context: Pick<AttemptContext, 'policy'>): boolean {
  return context.policy.learnedProviderChoice !== false;
}

export type AttemptPlan =
  | {
      /** The provider the rules would use if its breaker lets it through. */
      preferred: ProviderName;
      /** Providers to try in order, each able to make the scene and configured. */
      candidates: ProviderName[];
      /** Providers passed over before the breakers are asked, with the reason. */
      skipped: SkippedProvider[];
      /** The learned choice's figures when it chose; absent: the static map chose. */
      choice?: ProviderChoiceFigures;
      /** The learned choice weighed a repair of the current asset and took it: `preferred` edits. */
      repair?: true;
    }
  /** No remaining attempt is worth its price: the figures the learned choice weighed. */
  | { preferred?: undefined; notWorthTrying: ProviderChoiceFigures };

/**
 * The providers an attempt may use, best first (SPEC.md "Provider for each attempt", "Cost and
 * provider health"): the learned choice by expected value once the scene's content type has
 * `minEvidence` judged attempts of its kind (the model then pools every content type), else the
 * static map; then the rest of the fallback order; never
 * one that cannot make the scene nor one whose key is not configured. Each passed over before
 * the first usable one is reported with the reason. Attempt 1 keeps a provider a person named for
 * the round; the learned choice still asks whether it, and the attempts after it, are worth
 * their price. Capabilities, keys, then breakers and budgets (the caller) apply after.
 *
 * `drawKey` seeds the exploration (the workflow id, round and attempt), so a retried step
 * chooses what its first try chose. `repair`, when the rules chose to repair and the repairs'
 * record is long enough (src/rules/repair-value.ts), is weighed beside the generations: the plan
 * says `repair` when it is worth more. The static map never weighs one: there the band rule stands.
 */
export function planAttempt(
  context: AttemptContext,
  evidence: readonly AttemptEvidence[],
  keyProblem: (provider: ProviderName) => string | undefined,
  drawKey = '',
  repair?: RepairOption,
): AttemptPlan {
  const { attemptNumber, roundProvider, policy, needs } = context;
  const fallbackOrder = policy.providerFallbackOrder[needs.kind];
  const usable = (preferred: ProviderName) => {
    const fitting = providerCandidates(preferred, fallbackOrder, needs);
    const candidates: ProviderName[] = [];
    const skipped = [...fitting.skipped];
    for (const provider of fitting.candidates) {
      const problem = keyProblem(provider);
      if (problem === undefined) candidates.push(provider);
      else if (candidates.length === 0) skipped.push({ provider, reason: problem });
    }
    return { candidates, skipped };
  };
  const staticChoice = providerForAttempt({ attemptNumber, currentProvider: roundProvider, contentType: context.contentType, fallbackOrder });
  const minEvidence = policy.minEvidence ?? LEARNED_CHOICE_DEFAULTS.minEvidence;
  if (!learnedChoiceApplies(context) || judgedOfContentType(evidence, context) < minEvidence) {
    return { preferred: staticChoice, ...usable(staticChoice) };
  }
  const model = fitScoreModel(evidence, needs.kind);
  const able = usable(fallbackOrder[0] ?? staticChoice).candidates;
  const learned = chooseByExpectedValue({
    model,
    attemptNumber,
    maxAttempts: policy.maxAttempts,
    contentType: context.contentType,
    currentScore: context.currentScore,
    bar: policy.minScoreToPass,
    valueOfPassUsd: policy.reviewCostUsd ?? LEARNED_CHOICE_DEFAULTS.reviewCostUsd,
    candidates: able,
    // The expected price, not the budget's ceiling: the generation and its first judgment.
    priceUsd: (provider) => expectedAttemptUsd({ provider, kind: needs.kind, durationSeconds: needs.durationSeconds, judgments: 1 }),
    ...((attemptNumber === 1 && context.providerNamed) || able.length === 0 ? { fixed: roundProvider } : {}),
    ...(attemptNumber === 1 ? {} : { previous: context.usedThisRound.at(-1) ?? roundProvider }),
    drawKey,
    ...(repair ? { repair } : {}),
  });
  if (learned.provider === undefined) return { notWorthTrying: learned.figures };
  if (learned.repair) return { preferred: learned.provider, candidates: [learned.provider], skipped: [], choice: learned.figures, repair: true };
  return { preferred: learned.provider, ...usable(learned.provider), choice: learned.figures };
}

/**
 * Whether an attempt whose rules chose a repair makes it, given the plan made with the repair
 * weighed: the learned choice took it, or the static map planned (it never weighs a repair, so
 * the band rule's stands).
 */
export function repairTaken(plan: Exclude<AttemptPlan, { notWorthTrying: ProviderChoiceFigures }>): boolean {
  return plan.repair === true || plan.choice === undefined;
}

/** Judged attempts of the scene's content type and kind, every provider and attempt number. */
function judgedOfContentType(evidence: readonly AttemptEvidence[], context: AttemptContext): number {
  const contentType = context.contentType.toLowerCase();
  return evidence.filter((e) => e.kind === context.needs.kind && e.contentType === contentType).reduce((sum, e) => sum + e.judged, 0);
}

/**
 * SPEC.md "Cost and provider health": the provider of the pipeline's first generation of a scene
 * whose storyboard names none. The static map's best provider for the content type (the fallback
 * order's first when that one does not make the scene's kind); with `policy.learnedFirstProvider`,
 * the learned choice for an attempt 1 from nothing (score 0), as a round's attempts take it. Either
 * way one that can make the scene and has its key; when the choice finds nothing worth its price the
 * static one stands, since the pipeline needs a first asset.
 */
export function firstGenerationProvider(
  scene: Pick<Scene, 'contentType' | 'duration' | 'aspectRatio'>,
  policy: RegenerationPolicy,
  evidence: readonly AttemptEvidence[],
  keyProblem: (provider: ProviderName) => string | undefined,
  drawKey = '',
): ProviderName {
  const fallbackOrder = policy.providerFallbackOrder[scene.duration > 0 ? 'video' : 'image'];
  const best = BEST_PROVIDER_FOR_CONTENT[scene.contentType.toLowerCase()];
  const staticChoice = best !== undefined && fallbackOrder.includes(best) ? best : fallbackOrder[0];
  const context: AttemptContext = {
    attemptNumber: 1,
    roundProvider: staticChoice,
    usedThisRound: [],
    roundSpentUsd: 0,
    currentScore: 0,
    contentType: scene.contentType,
    needs: sceneNeeds(scene, staticChoice),
    policy: { ...policy, learnedProviderChoice: policy.learnedFirstProvider === true && learnedChoiceApplies({ policy }) },
  };
  const plan = planAttempt(context, evidence, keyProblem, drawKey);
  return plan.preferred === undefined ? staticChoice : (plan.candidates[0] ?? plan.preferred);
}
