import { proxyActivities } from '@temporalio/workflow';
import type {
  AnalysisActivities,
  DatabaseActivities,
  FetchActivities,
  GenerationActivities,
  RoundActivities,
} from '../src/domain/activity-types';
import {
  analyzeAssetOptions,
  awaitGenerationOptions,
  cancelGenerationOptions,
  checkGenerationOptions,
  databaseOptions,
  roundQueryOptions,
  storeAssetOptions,
  submitGenerationOptions,
} from './activity-options';

/** One proxy per options group, so each kind of I/O keeps its own timeouts and retries. */
export const { submitGeneration } = proxyActivities<GenerationActivities>(submitGenerationOptions);
export const { checkGeneration } = proxyActivities<GenerationActivities>(checkGenerationOptions);
export const { cancelGeneration } = proxyActivities<GenerationActivities>(cancelGenerationOptions);
export const { awaitGeneration } = proxyActivities<GenerationActivities>(awaitGenerationOptions);
export const { storeAsset } = proxyActivities<FetchActivities>(storeAssetOptions);
// A pairwise comparison is the same I/O as a judgment (assets read from our store, frames taken,
// Claude asked) and fails the same ways, so it shares the judge's retry domain.
export const { analyzeAsset, compareAssets } = proxyActivities<AnalysisActivities>(analyzeAssetOptions);
export const db = proxyActivities<DatabaseActivities>(databaseOptions);
export const { findRoundInProgress } = proxyActivities<RoundActivities>(roundQueryOptions);
