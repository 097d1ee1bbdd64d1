import type { ProviderName } from '../domain/provider';
import type { RepairEvidence } from '../domain/provider-evidence';
import type { SceneKind } from '../domain/scene';
import { expectedRepairUsd } from './budget';
import type { RepairOption } from './expected-value-choice';
import { passChance } from './score-model';

/**
 * Judged repairs of a kind before their record may overrule the repair band (src/rules/repair.ts):
 * until then the band decides, and its repairs are the record. An assumption, not a measured
 * figure: ten gains give their mean to within a third of their spread.
 */
export const MIN_REPAIR_EVIDENCE = 10;

/**
 * A repair as the learned choice weighs it beside the generations (expected-value-choice.ts):
 * its chance of passing is the current score plus the gain the recorded repairs of its kind
 * made (every editor pooled: few rounds repair), spread by how much those gains varied and how
 * sure their mean is; its price is the edit's and its judgment's. Undefined while the record is
 * thinner than MIN_REPAIR_EVIDENCE: the band rule stands.
 */
export function repairOption(
  records: readonly RepairEvidence[],
  repair: { provider: ProviderName; kind: SceneKind; durationSeconds: number; currentScore: number; bar: number },
): RepairOption | undefined {
  const evidence = records.filter((e) => e.kind === repair.kind);
  const judged = evidence.reduce((sum, e) => sum + e.judged, 0);
  if (judged < MIN_REPAIR_EVIDENCE) return undefined;
  const made = evidence.reduce((sum, e) => sum + e.repairs, 0);
  const sumGain = evidence.reduce((sum, e) => sum + e.sumGain, 0);
  const sumSquares = evidence.reduce((sum, e) => sum + e.sumGainSquared, 0);
  const meanGain = sumGain / judged;
  const gainSd = Math.sqrt(Math.max(0, (sumSquares - judged * meanGain * meanGain) / (judged - 1)));
  const chance = passChance(
    // A repair that fails before its judgment (the edit refused or lost) passes nothing.
    { mean: repair.currentScore + meanGain, meanSd: gainSd / Math.sqrt(judged), noiseSd: gainSd, judgedShare: judged / made },
    repair.bar,
  );
  const priceUsd = expectedRepairUsd({ provider: repair.provider, kind: repair.kind, durationSeconds: repair.durationSeconds, judgments: 1 });
  return { provider: repair.provider, passChance: chance, priceUsd, evidence: judged };
}
