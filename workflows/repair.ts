import type { ProviderName } from '../src/domain/provider';
import type { SceneKind } from '../src/domain/scene';
import { editEndpoint } from '../src/catalog/edits';
import { repairInstruction } from '../src/rules/repair';
import type { AttemptPlan } from './attempt';
import type { RoundRecord } from './round-record';

/**
 * What a repair the attempt's start chose asks of its provider: the instruction naming
 * each defect of the round's current asset and what must not change, and that asset to edit.
 * Undefined when the round no longer calls for a repair: the attempt then generates.
 */
export function repairOfCurrent(record: RoundRecord, kind: SceneKind, provider: ProviderName): { prompt: string; repair: NonNullable<AttemptPlan['repair']> } | undefined {
  const choice = record.repairChoice(kind);
  const endpoint = editEndpoint(provider, kind);
  if (!choice.repair || endpoint === undefined) return undefined;
  const { current } = record;
  const instruction = repairInstruction(choice.defects, kind, endpoint.promptMax);
  return {
    prompt: instruction,
    repair: {
      request: {
        instruction,
        defects: choice.defects,
        ...(current.assetUrl === undefined ? {} : { sourceAssetUrl: current.assetUrl }),
        ...(current.attemptNumber === undefined ? {} : { sourceAttemptNumber: current.attemptNumber }),
        sourcePrompt: record.currentPrompt(),
      },
      edit: { ...(current.assetRef ? { source: current.assetRef } : {}), ...(current.assetUrl ? { sourceUrl: current.assetUrl } : {}) },
    },
  };
}
