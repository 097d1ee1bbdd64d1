import { ActivityFailure, isCancellation, log } from '@temporalio/workflow';
import type { AssetRef } from '../src/domain/asset';
import type { BrandProfile } from '../src/domain/brand';
import type { PairwiseAnswer } from '../src/domain/best-pick';
import type { RegenerationAttempt } from '../src/domain/regeneration';
import type { SceneForRegeneration } from '../src/domain/scene';
import { DEFAULT_ASPECT_RATIO } from '../src/domain/scene';
import { compareAssets } from './activities';
import type { RoundRecord } from './round-record';
import { bestCandidates, decideBest, needsPairwise, pairKey, rankByScore, type BestCandidate } from '../src/rules/best-pick';

/**
 * From this marker on a round names its best by SPEC.md "Judging and choosing" (the highest
 * judged score, a pairwise judgment between the top two when they are within the uncertainty
 * band); rounds recorded before it called the current asset best and asked no comparison.
 */
export const PATCH_PAIRWISE_BEST_PICK = 'pairwise-best-pick';

export interface BestContext {
  record: RoundRecord;
  scene: SceneForRegeneration;
  brandProfile?: BrandProfile;
  /** The person's prompt for the round: the assets are compared against what was asked for. */
  personPrompt?: string;
  band: number;
  kind: 'video' | 'image';
  /** Names the comparison in the Web UI's activity summaries. */
  label: string;
}

/**
 * Names the round's best among its judged assets, `attempt` (just judged, not yet added to the
 * round) included (`mayCompare` false: by score alone, as when an
 * attempt passed and its asset is taken whatever a comparison would say), asking Claude to compare the top two when
 * their scores are within the band and that pair was not compared yet in this round. Returns
 * what the comparison cost (0 when none was asked), for the caller to count with the attempt
 * that made it necessary. A comparison that fails (after its retries) leaves the higher score
 * standing: the round goes on rather than stop over a tie-break.
 */
export async function chooseBest(context: BestContext, attempt: RegenerationAttempt, mayCompare = true): Promise<number> {
  const { record } = context;
  const attempts = [...record.roundAttempts(), attempt];
  const ranked = rankByScore(bestCandidates(record.roundStart.score, attempts));
  let costUsd = 0;
  let answers: readonly [PairwiseAnswer, PairwiseAnswer] | undefined;
  if (mayCompare && needsPairwise(ranked, context.band)) {
    const key = pairKey(ranked[0], ranked[1]);
    answers = record.comparedPairs.get(key);
    if (answers === undefined) {
      const assetOf = (candidate: BestCandidate) =>
        candidate.attemptNumber === undefined
          ? record.roundStart.assetRef
          : attempts.find((a) => a.attemptNumber === candidate.attemptNumber)?.asset;
      const compared = await compare(context, assetOf(ranked[0]), assetOf(ranked[1]));
      if (compared !== undefined) {
        costUsd = compared.costUsd;
        answers = compared.answers;
        record.comparedPairs.set(key, compared.answers);
      }
    }
  }
  record.setBest(decideBest(ranked, context.band, answers));
  return costUsd;
}

async function compare(
  context: BestContext,
  first: AssetRef | undefined,
  second: AssetRef | undefined,
): Promise<{ answers: [PairwiseAnswer, PairwiseAnswer]; costUsd: number } | undefined> {
  if (first === undefined || second === undefined) {
    // The scene's own asset came with a URL only (not stored by this round): nothing to show.
    log.info('pairwise comparison skipped: an asset has no stored copy', { sceneId: context.scene.id });
    return undefined;
  }
  const { scene } = context;
  try {
    return await compareAssets.executeWithOptions({ summary: `${context.label} · compare` }, [
      {
        scene: {
          id: scene.id,
          sceneType: scene.sceneType,
          contentType: scene.contentType,
          narration: scene.narration,
          visualDirection: context.personPrompt ?? scene.visualDirection,
          duration: context.kind === 'video' ? scene.duration : 0,
          aspectRatio: scene.aspectRatio ?? DEFAULT_ASPECT_RATIO,
        },
        brandProfile: context.brandProfile,
        first,
        second,
      },
    ]);
  } catch (error) {
    if (!(error instanceof ActivityFailure) || isCancellation(error)) throw error;
    log.warn('the pairwise comparison failed; the higher score stands', { error: error.cause?.message ?? error.message });
    return undefined;
  }
}
