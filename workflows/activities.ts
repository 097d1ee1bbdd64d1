import { proxyActivities } from '@temporalio/workflow';
import type { SceneActivities } from '../activities';
import {
  cancelGenerationOptions,
  generateAssetOptions,
  judgeAssetOptions,
  roundQueryOptions,
  roundStepOptions,
} from './activity-options';

/** One proxy per options group, so each kind of I/O keeps its own timeouts and retries. */
export const { generateAsset } = proxyActivities<SceneActivities>(generateAssetOptions);
export const { cancelGeneration } = proxyActivities<SceneActivities>(cancelGenerationOptions);
// A pairwise comparison is the same I/O as a judgment (assets read from our store, frames taken,
// Claude asked) and fails the same ways, so it shares the judge's retry domain.
export const { judgeAsset, compareAssets } = proxyActivities<SceneActivities>(judgeAssetOptions);
export const { openRound, recordAttempt, retryAttemptStart, escalateToReview, endRound, saveScene, saveSceneAnalysis, passingBarFor, firstProvider } =
  proxyActivities<SceneActivities>(roundStepOptions);
export const { findRoundInProgress } = proxyActivities<SceneActivities>(roundQueryOptions);
