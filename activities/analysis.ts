import { access, constants } from 'node:fs/promises';
import type Anthropic from '@anthropic-ai/sdk';
import { log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { AppConfig } from '../src/config';
import type { CompareAssetsRequest, CompareAssetsResult, JudgeRequest, Judgment } from '../src/domain/judging';
import type { JudgeView, JudgingHistory } from '../src/domain/judge-view';
import { judgeView } from '../src/rules/judging';
import type { AssetRef } from '../src/domain/asset';
import { activityFailure, FailureType } from '../src/domain/failures';
import { assetFileReader, type AssetFile } from '../src/storage/asset-file';
import { AssetStoreUnavailableError, type AssetStore } from '../src/storage/asset-store';
import { countAnalysis, countSpend } from '../src/analysis/analysis-metrics';
import { createClaudeClient } from '../src/analysis/claude-client';
import { compareWithClaude } from '../src/analysis/claude-compare';
import { judgeWithClaude } from '../src/analysis/claude-judge';
import { findModelPrice } from '../src/analysis/cost';
import { claudeModel } from '../src/catalog/limits/anthropic';
import { inspectAsset, type JudgeImage } from '../src/analysis/inspect-asset';
import { technicalFailureAnalysis, type TechnicalExpectation } from '../src/analysis/technical-checks';
import { verdictToAnalysis } from '../src/analysis/verdict-to-analysis';
import { heartbeatWhile } from './heartbeat-while';
import { judgeUntilSure } from './judge-until-sure';

export type AnalysisConfig = Pick<AppConfig, 'anthropicModel' | 'modelPrices' | 'keys' | 'simUrl' | 'analysisVideoFrames'>;

export interface AnalysisActivityDeps {
  config: AnalysisConfig;
  /** Made from the config (key or simulator) on first use when not given. */
  anthropic?: Anthropic;
  /**
   * The stored asset as a file on this machine, released when the analysis is done with it;
   * keeps this activity independent of the store (readThroughStore for the real one).
   */
  readAsset: (asset: AssetRef) => Promise<AssetFile>;
  /**
   * The content type's recorded judgments (src/db/judging-history.ts), which new judgments are
   * combined with; without it the band and the median decide.
   */
  judgingHistory?: (contentType: string) => Promise<JudgingHistory>;
}

/**
 * judgeAsset: technical checks on the stored file first, and Claude only for assets that pass
 * them, judged again near the bar (judge-until-sure.ts). Returns the combined analysis with what
 * every judgment cost; throws ApplicationFailures whose types the analysis retry policy understands.
 */
export function createAnalysisActivities(deps: AnalysisActivityDeps) {
  const { config } = deps;
  let client = deps.anthropic;
  const price = findModelPrice(config.anthropicModel, config.modelPrices);
  // A model the table does not know gets the smaller size every Claude model reads unresized.
  const imageTier = claudeModel(config.anthropicModel)?.imageTier ?? 'standard';

  // Frame extraction and the Claude call take tens of seconds; the heartbeat lets a dead worker's
  // analysis be retried within the heartbeat timeout rather than after the whole 5 minutes.
  // judgeUntilSure heartbeats while it works, carrying the judgments made so far.
  const judgeAsset = async (request: JudgeRequest) =>
    judgeUntilSure(request, judgeOnce, await deps.judgingHistory?.(request.scene.contentType));

  async function judgeOnce(request: JudgeRequest, judgmentNumber = 1): Promise<Judgment> {
    const file = await localCopy(request.asset);
    try {
      return await analyzeFile(request, file.path, judgmentNumber);
    } finally {
      await file.release();
    }
  }

  async function analyzeFile(request: JudgeRequest, path: string, judgmentNumber: number): Promise<Judgment> {
    const expected: TechnicalExpectation = {
      kind: request.scene.duration > 0 ? 'video' : 'image',
      aspectRatio: request.scene.aspectRatio,
      durationSeconds: request.scene.duration,
    };
    const plan = judgeView(judgmentNumber, request.judgeModels);
    const model = plan.model ?? config.anthropicModel;
    const viewTier = plan.model === undefined ? imageTier : (claudeModel(model)?.imageTier ?? 'standard');
    const inspection = await inspectAsset(path, expected, config.analysisVideoFrames, viewTier, plan.frameShift);
    if (inspection.findings.length > 0 || inspection.media === undefined) {
      countAnalysis('technical_fail');
      log.info('Technical checks failed the asset; Claude not asked', {
        sceneId: request.scene.id,
        findings: inspection.findings.map((finding) => finding.check),
      });
      return { analysis: technicalFailureAnalysis(inspection.findings), costUsd: 0, modelSkipped: true };
    }

    client ??= createClaudeClient(config);
    const viewPrice = plan.model === undefined ? price : findModelPrice(model, config.modelPrices);
    if (viewPrice === undefined) log.warn('No price for the analysis model; its cost is reported as 0', { model });
    const view: JudgeView = {
      number: plan.number,
      model,
      ...(plan.rubricOrder ? { rubricOrder: plan.rubricOrder } : {}),
      ...(expected.kind === 'video' ? { frameTimes: inspection.images.map((shown) => shown.timeSeconds ?? 0) } : {}),
    };
    let outcome;
    try {
      outcome = await judgeWithClaude(
        { client, model, price: viewPrice },
        {
          scene: request.scene,
          prompt: request.prompt,
          brandProfile: request.brandProfile,
          minScoreToPass: request.minScoreToPass,
          media: inspection.media,
          images: inspection.images,
          ...(plan.rubricOrder ? { rubricOrder: plan.rubricOrder } : {}),
        },
      );
    } catch (error) {
      if (error instanceof ApplicationFailure && error.type === FailureType.analysisUnusable) countAnalysis('unusable');
      throw error;
    }
    if (outcome.firstProblem !== undefined) {
      log.warn('First analysis answer was unusable; the corrective retry fixed it', { problem: outcome.firstProblem });
    }
    const usage = { ...outcome.usage, imagesSent: inspection.images.length };
    countAnalysis('judged');
    countSpend(usage, outcome.costUsd);
    return {
      analysis: verdictToAnalysis(outcome.verdict, request.minScoreToPass),
      costUsd: outcome.costUsd,
      usage,
      modelSkipped: false,
      view,
    };
  }

  /**
   * compareAssets: both assets prepared as the judge sees them (the image resized, or frames of
   * the clip), then Claude asked once per order. An asset the technical checks fail cannot be
   * compared; it was judged critical_fail already and is never a candidate for best.
   */
  const compareAssets = (request: CompareAssetsRequest) => heartbeatWhile(() => compare(request));

  async function compare(request: CompareAssetsRequest): Promise<CompareAssetsResult> {
    const first = await imagesOf(request.first, request);
    const second = await imagesOf(request.second, request);
    client ??= createClaudeClient(config);
    const outcome = await compareWithClaude(
      { client, model: config.anthropicModel, price },
      { scene: request.scene, brandProfile: request.brandProfile, first, second },
    );
    const usage = { ...outcome.usage, imagesSent: 2 * (first.length + second.length) };
    countSpend(usage, outcome.costUsd);
    return { answers: outcome.answers, costUsd: outcome.costUsd, usage };
  }

  async function imagesOf(asset: AssetRef, request: CompareAssetsRequest): Promise<JudgeImage[]> {
    const expected: TechnicalExpectation = {
      kind: request.scene.duration > 0 ? 'video' : 'image',
      aspectRatio: request.scene.aspectRatio,
      durationSeconds: request.scene.duration,
    };
    const file = await localCopy(asset);
    try {
      const inspection = await inspectAsset(file.path, expected, config.analysisVideoFrames, imageTier);
      if (inspection.images.length === 0) {
        throw activityFailure(FailureType.analysisUnusable, `The asset ${asset.key} cannot be shown for comparison: it fails the technical checks`, {});
      }
      return inspection.images;
    } finally {
      await file.release();
    }
  }

  async function localCopy(asset: AssetRef): Promise<AssetFile> {
    try {
      const file = await deps.readAsset(asset);
      // A store that only maps keys to paths would otherwise let a lost file read as corrupt.
      await access(file.path, constants.R_OK).catch(async (error: unknown) => {
        await file.release();
        throw error;
      });
      return file;
    } catch (error) {
      if (error instanceof AssetStoreUnavailableError) {
        // The object store is down: worth another try once it is back, like any outage.
        throw activityFailure(FailureType.unavailable, error.message, {});
      }
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        // Our own store lost the file: no retry brings it back, and the attempt must say so.
        throw ApplicationFailure.create({
          message: `The stored asset ${asset.key} is missing from the asset store`,
          type: FailureType.assetGone,
          nonRetryable: true,
        });
      }
      throw error;
    }
  }

  return { judgeAsset, compareAssets };
}

/**
 * `readAsset` for the configured store: its own file when it keeps files on this machine,
 * otherwise a private copy in `scratchDir` (a directory of this worker's), removed after the
 * analysis. Nothing here assumes a disk another process wrote to.
 */
export function readThroughStore(store: AssetStore, scratchDir: string): (asset: AssetRef) => Promise<AssetFile> {
  const open = assetFileReader(store, scratchDir);
  return (asset) => open(asset.key);
}
