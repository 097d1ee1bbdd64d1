import { ActivityFailure, isCancellation, log } from '@temporalio/workflow';
import type { AssetRef } from '../src/domain/asset';
import type { BrandProfile } from '../src/domain/brand';
import { sceneForAnalysis, type CompareAssetsResult } from '../src/domain/judging';
import type { SceneForRegeneration } from '../src/domain/scene';
import { sceneKind } from '../src/rules/provider-choice';
import { compareAssets } from './activities';
import { paidBeforeFailing } from './attempt';

/**
 * SPEC.md "Judging and choosing": Claude shown the round's top two side by side, asked in both
 * orders (compareAssets). No answers when there is nothing to show (the scene's own asset came
 * as a URL only) or the comparison failed after its retries: the higher score then stands, and the
 * round goes on rather than stop over a tie-break. The cost is what was paid either way: a
 * comparison whose answers could not be used still paid for their tokens.
 */
export async function compareTopTwo(
  context: { scene: SceneForRegeneration; brandProfile?: BrandProfile; personPrompt?: string; label: string },
  first: AssetRef | undefined,
  second: AssetRef | undefined,
): Promise<Pick<CompareAssetsResult, 'costUsd'> & Partial<Pick<CompareAssetsResult, 'answers'>>> {
  const { scene } = context;
  if (first === undefined || second === undefined) {
    log.info('pairwise comparison skipped: an asset has no stored copy', { sceneId: scene.id });
    return { costUsd: 0 };
  }
  try {
    return await compareAssets.executeWithOptions({ summary: `${context.label} · compare` }, [
      {
        scene: sceneForAnalysis(scene, sceneKind(scene.duration, scene.currentProvider), context.personPrompt),
        brandProfile: context.brandProfile,
        first,
        second,
      },
    ]);
  } catch (error) {
    if (!(error instanceof ActivityFailure) || isCancellation(error)) throw error;
    log.warn('the pairwise comparison failed; the higher score stands', { error: error.cause?.message ?? error.message });
    return { costUsd: paidBeforeFailing(error) };
  }
}
