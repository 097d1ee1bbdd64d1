import type { PartialPolicy, RegenerationPolicy } from '../domain/policy';

/** SPEC.md "Judging and choosing": a score within 5 points of the bar gets 3 judgments. */
export const JUDGING_DEFAULTS = { uncertaintyBand: 5, judgmentsNearBar: 3 } as const;

/**
 * SPEC.md "Cost and provider health" and CONTRACT.md's policy: providers are chosen from the
 * recorded attempts once the scene's content type has 20 judged attempts of its kind (src/rules/attempt-plan.ts),
 * and a pass is worth $3, what a person's review costs.
 */
export const LEARNED_CHOICE_DEFAULTS = { learnedProviderChoice: true, minEvidence: 20, reviewCostUsd: 3, learnedFirstProvider: false } as const;

/**
 * SPEC.md "Judging and choosing": 2 % of passed scenes are audited by people; the bar stays the
 * configured one unless asked, and then only once a content type has 30 verdicts.
 */
export const PEOPLE_DEFAULTS = { auditRate: 0.02, calibratedBar: false, minDecisions: 30 } as const;

/** CONTRACT.md's policy: repair an asset within 15 points of the bar with at most 2 local defects. */
export const REPAIR_DEFAULTS = { repairBand: 15, maxRepairDefects: 2 } as const;

/** SPEC.md "Defaults". */
export const DEFAULT_POLICY: RegenerationPolicy = {
  maxAttempts: 3,
  minScoreToPass: 70,
  scoreImprovementThreshold: 10,
  providerFallbackOrder: {
    video: ['kling', 'runway', 'luma', 'hailuo'],
    image: ['falai', 'flux'],
  },
  ...JUDGING_DEFAULTS,
  ...PEOPLE_DEFAULTS,
  ...LEARNED_CHOICE_DEFAULTS,
  ...REPAIR_DEFAULTS,
};

export function resolvePolicy(partial: PartialPolicy | undefined): RegenerationPolicy {
  const given = Object.fromEntries(Object.entries(partial ?? {}).filter(([, v]) => v !== undefined)) as PartialPolicy;
  return {
    ...DEFAULT_POLICY,
    ...given,
    providerFallbackOrder: {
      video: partial?.providerFallbackOrder?.video ?? DEFAULT_POLICY.providerFallbackOrder.video,
      image: partial?.providerFallbackOrder?.image ?? DEFAULT_POLICY.providerFallbackOrder.image,
    },
  };
}
