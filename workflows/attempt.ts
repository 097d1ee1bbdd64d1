import { ActivityFailure, ApplicationFailure, isCancellation, patched } from '@temporalio/workflow';
import type { RoundAsset } from '../src/domain/inputs';
import type { RegenerationPolicy } from '../src/domain/policy';
import type { AttemptFailure, AttemptStep, RegenerationAttempt } from '../src/domain/regeneration';
import { roundUsd } from '../src/catalog/cost';
import { AttemptGaveUp, generateAndJudge, type GenerationPlan, type Receipt } from './generate-and-judge';
import { attemptOutcome } from '../src/rules/outcome';

/** Rounds recorded before this marker let a `critical_fail` pass on its score. */
export const PATCH_CRITICAL_FAIL_NEVER_PASSES = 'critical-fail-never-passes';

/** What the scene stands on now: its own asset before the round, or the last attempt that beat it. */
export type CurrentAsset = RoundAsset;

/** An attempt that produced a judged asset, as the asset the scene now stands on. */
export function currentFrom(attempt: RegenerationAttempt): CurrentAsset {
  return {
    score: attempt.scoreAfter,
    analysis: attempt.analysisResult!,
    assetUrl: attempt.assetUrl,
    assetRef: attempt.asset,
    provider: attempt.provider,
    attemptNumber: attempt.attemptNumber,
  };
}

export interface AttemptPlan extends GenerationPlan {
  round: number;
  attemptNumber: number;
  policy: RegenerationPolicy;
  current: CurrentAsset;
}

/**
 * One attempt, generated, stored and judged, as the record SPEC.md keeps of it. Any activity
 * failure (after its own retries) or a wait past its deadline makes a failed attempt with its
 * reason and the round goes on; only cancellation and bugs propagate.
 */
export async function runAttempt(plan: AttemptPlan): Promise<RegenerationAttempt> {
  const { current, policy } = plan;
  const base = {
    attemptNumber: plan.attemptNumber,
    round: plan.round,
    timestamp: new Date().toISOString(),
    provider: plan.provider,
    prompt: plan.prompt,
    scoreBefore: current.score,
  };
  const receipt: Receipt = { costUsd: 0 };
  try {
    const { asset, analysis, judgments } = await generateAndJudge(
      { ...plan, uncertaintyBand: policy.uncertaintyBand, judgmentsNearBar: policy.judgmentsNearBar },
      receipt,
    );
    const recommendation = patched(PATCH_CRITICAL_FAIL_NEVER_PASSES) ? analysis.recommendation : undefined;
    return {
      ...base,
      result: attemptOutcome(analysis.overallScore, current.score, policy, recommendation),
      scoreAfter: analysis.overallScore,
      judgments,
      analysisResult: analysis,
      assetUrl: asset.url,
      asset,
      costUsd: roundUsd(receipt.costUsd),
      providerTaskId: receipt.providerTaskId,
    };
  } catch (error) {
    if (isCancellation(error)) {
      throw new AttemptCancelled(
        {
          ...base,
          result: 'failed',
          scoreAfter: 0,
          failure: { type: 'cancelled', message: 'The round was cancelled during this attempt' },
          costUsd: roundUsd(receipt.costUsd),
          providerTaskId: receipt.providerTaskId,
        },
        error,
      );
    }
    const failure = attemptFailureOf(error);
    if (failure === undefined) throw error;
    return {
      ...base,
      result: 'failed',
      // No asset was judged, so there is no score to report for this attempt.
      scoreAfter: 0,
      failure,
      ...withStep(failedStepOf(error)),
      costUsd: roundUsd(receipt.costUsd),
      providerTaskId: receipt.providerTaskId,
    };
  }
}

const STEP_OF_ACTIVITY: Readonly<Record<string, AttemptStep>> = {
  submitGeneration: 'generate',
  checkGeneration: 'generate',
  awaitGeneration: 'generate',
  cancelGeneration: 'generate',
  storeAsset: 'store',
  analyzeAsset: 'judge',
};

/** Which step an attempt's failure came from: the provider's health depends only on its own. */
function failedStepOf(error: unknown): AttemptStep | undefined {
  if (error instanceof AttemptGaveUp) return 'generate';
  if (error instanceof ActivityFailure) return STEP_OF_ACTIVITY[error.activityType];
  return undefined;
}

function withStep(step: AttemptStep | undefined): { failedStep?: AttemptStep } {
  return step === undefined ? {} : { failedStep: step };
}

/**
 * The round was cancelled while this attempt ran: the attempt as far as it got (what it already
 * cost, its provider task) so the round can record the money spent before it ends.
 */
export class AttemptCancelled extends Error {
  override readonly name = 'AttemptCancelled';
  constructor(
    readonly attempt: RegenerationAttempt,
    override readonly cause: unknown,
  ) {
    super('Attempt cancelled');
  }
}

/**
 * Why an attempt failed, when `error` is an attempt's failure (an activity's, after its retries,
 * or a wait past its deadline); undefined for anything else (cancellation, bugs).
 */
export function attemptFailureOf(error: unknown): AttemptFailure | undefined {
  if (error instanceof AttemptGaveUp) return error.failure;
  if (error instanceof ActivityFailure) return describeFailure(error);
  return undefined;
}

function describeFailure(error: ActivityFailure): AttemptFailure {
  const cause = error.cause;
  if (cause instanceof ApplicationFailure) {
    return { type: cause.type ?? 'unknown', message: cause.message };
  }
  return { type: cause?.name ?? 'activity_failed', message: cause?.message ?? error.message };
}
