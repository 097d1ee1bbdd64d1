import {
  ActivityFailure,
  CancellationScope,
  condition,
  isCancellation,
  log,
  patched,
  sleep,
  TimeoutFailure,
} from '@temporalio/workflow';
import { RetryState } from '@temporalio/common';
import type { AssetRef } from '../src/domain/asset';
import type { SceneAnalysisResult } from '../src/domain/analysis';
import type { BrandProfile } from '../src/domain/brand';
import type { ProviderName } from '../src/domain/provider';
import { DEFAULT_ASPECT_RATIO, type Scene } from '../src/domain/scene';
import type { AnalyzeAssetRequest, AnalyzeAssetResult, GenerationOutput, GenerationRequest, GenerationTask, ProviderBusy } from '../src/domain/activity-types';
import type { SceneKind } from '../src/domain/scene';
import type { AttemptFailure, AttemptJudgment } from '../src/domain/regeneration';
import {
  analyzeAsset,
  awaitGeneration,
  cancelGeneration,
  checkGeneration,
  storeAsset,
  submitGeneration,
} from './activities';
import { listenForGenerationCallbacks, wasCalledBack } from './generation-callbacks';
import { generationDeadlineMs, generationPollPolicy, providerBusyDeadlineMs } from '../src/rules/generation-wait';
import { judgingSettings, medianJudgment, shouldJudgeAgain } from '../src/rules/judging';

/**
 * Rounds recorded before this marker waited for a generation inside one long activity and queued
 * for a provider's place without a deadline; from it on they look at the task with short checks
 * and give up on either wait at its deadline.
 */
export const PATCH_POLL_WITHOUT_HELD_SLOT = 'poll-without-held-slot';
/** Rounds recorded before this marker judged every asset once, whatever its score. */
export const PATCH_JUDGE_NEAR_THE_BAR = 'judge-near-the-bar';

/**
 * From this marker on, a provider's callback (PROVIDER_WEBHOOKS) ends the wait for its task
 * early; rounds recorded before it only poll.
 */
export const PATCH_GENERATION_CALLBACKS = 'generation-callbacks';

export interface GenerationPlan {
  idempotencyKey: string;
  provider: ProviderName;
  prompt: string;
  kind: SceneKind;
  scene: Scene;
  brandProfile?: BrandProfile;
  minScoreToPass: number;
  /** The policy's judging near the bar (src/rules/judging.ts); SPEC.md's defaults when absent. */
  uncertaintyBand?: number;
  judgmentsNearBar?: number;
  /**
   * The prompt a person gave the round: the judge scores the asset against it, in place of the
   * scene's visual direction it replaced, so an asset is not marked down for doing as asked.
   */
  personPrompt?: string;
  /** The policy's cap on one generation (a Temporal duration string), when it set one. */
  generationTimeout?: string;
  /** Names the attempt in the Web UI's activity summaries, e.g. "attempt 2 · luma". */
  label: string;
}

/** Filled in as the steps complete, so a later failure still knows what was already paid. */
export interface Receipt {
  costUsd: number;
  providerTaskId?: string;
}

export interface JudgedAsset {
  asset: AssetRef;
  /** The median judgment's analysis when the asset was judged more than once. */
  analysis: SceneAnalysisResult;
  /** Every judgment made, in order; absent in rounds recorded before judging near the bar. */
  judgments?: AttemptJudgment[];
}

/**
 * The work of one attempt: submit once the provider has room, await the provider's task (its id
 * is in history, so a retry resumes it rather than paying again), copy the output into our
 * store, judge it.
 */
export async function generateAndJudge(plan: GenerationPlan, receipt: Receipt): Promise<JudgedAsset> {
  const { scene, kind } = plan;
  const aspectRatio = scene.aspectRatio ?? DEFAULT_ASPECT_RATIO;
  const durationSeconds = kind === 'video' ? scene.duration : 0;
  // The Web UI lists activities by type only; a summary says which attempt and provider each is.
  const summary = (step: string) => ({ summary: `${plan.label} · ${step}` });
  const request: GenerationRequest = {
    provider: plan.provider,
    prompt: plan.prompt,
    kind,
    durationSeconds,
    aspectRatio,
    idempotencyKey: plan.idempotencyKey,
  };
  let output: GenerationOutput;
  if (patched(PATCH_POLL_WITHOUT_HELD_SLOT)) {
    const deadlineMs = generationDeadlineMs(plan.provider, kind, plan.generationTimeout);
    const task = await submitWhenProviderHasRoom(summary('submit'), request, providerBusyDeadlineMs(deadlineMs));
    receipt.providerTaskId = task.taskId;
    output = await waitForOutput(task, summary, deadlineMs);
  } else {
    const task = await submitWhenProviderHasRoom(summary('submit'), request, Infinity);
    receipt.providerTaskId = task.taskId;
    output = await awaitGeneration.executeWithOptions(summary('await'), [task]);
  }
  receipt.costUsd += output.costUsd;
  const asset = await storeAsset.executeWithOptions(summary('store'), [
    { url: output.outputUrl, sceneId: scene.id, expectedKind: kind },
  ]);
  const judgeRequest: AnalyzeAssetRequest = {
    asset,
    scene: {
      id: scene.id,
      sceneType: scene.sceneType,
      contentType: scene.contentType,
      narration: scene.narration,
      visualDirection: plan.personPrompt ?? scene.visualDirection,
      duration: durationSeconds,
      aspectRatio,
    },
    prompt: plan.prompt,
    brandProfile: plan.brandProfile,
    minScoreToPass: plan.minScoreToPass,
  };
  const first = await analyzeAsset.executeWithOptions(summary('judge'), [judgeRequest]);
  receipt.costUsd += first.costUsd;
  if (!patched(PATCH_JUDGE_NEAR_THE_BAR)) return { asset, analysis: first.analysis };
  const judgments = await judgeNearTheBar(plan, first, receipt, (n) =>
    analyzeAsset.executeWithOptions(summary(`judge ${n}`), [judgeRequest]),
  );
  return {
    asset,
    analysis: medianJudgment(judgments).analysis,
    judgments: judgments.map(({ analysis, costUsd }) => ({ score: analysis.overallScore, costUsd })),
  };
}

/**
 * SPEC.md "Judging and choosing": a score near the bar is judged again, each judgment its own
 * activity in history so that replay reads the same verdicts. A judgment after the first that
 * fails (after its own retries) ends the judging rather than the attempt: the asset is already
 * paid for and judged, and the judgments made decide.
 */
async function judgeNearTheBar(
  plan: GenerationPlan,
  first: AnalyzeAssetResult,
  receipt: Receipt,
  judgeAgain: (judgmentNumber: number) => Promise<AnalyzeAssetResult>,
): Promise<AnalyzeAssetResult[]> {
  const settings = judgingSettings(plan);
  const judgments = [first];
  while (shouldJudgeAgain(judgments, settings)) {
    let next: AnalyzeAssetResult;
    try {
      next = await judgeAgain(judgments.length + 1);
    } catch (error) {
      if (!(error instanceof ActivityFailure) || isCancellation(error)) throw error;
      log.warn('A judgment near the bar failed; the judgments made decide', {
        attempt: plan.label,
        judgments: judgments.length,
        error: error.cause?.message ?? error.message,
      });
      break;
    }
    receipt.costUsd += next.costUsd;
    judgments.push(next);
  }
  return judgments;
}

// Each ask costs about ten history events. Waits grow gently (×1.25) so a place freed by a
// seconds-long image is taken soon, and stop at 15 s so a queue behind minutes-long videos
// adds about forty events a minute, far from Temporal's history limits.
const BUSY_WAIT_GROWTH = 1.25;
const LONGEST_BUSY_WAIT_MS = 15_000;

/**
 * The attempt ended without an output for a reason of the round's own (a deadline), not an
 * activity's failure: it is recorded as a failed attempt like one.
 */
export class AttemptGaveUp extends Error {
  override readonly name = 'AttemptGaveUp';
  constructor(readonly failure: AttemptFailure) {
    super(failure.message);
  }
}

/**
 * Submits once the provider has room under its concurrency limit. The wait between asks is a
 * durable timer: it holds no worker slot, survives restarts and shows in the history. Past
 * `deadlineMs` of waiting the attempt gives up with `provider_busy`.
 */
async function submitWhenProviderHasRoom(
  options: { summary: string },
  request: GenerationRequest,
  deadlineMs: number,
): Promise<GenerationTask> {
  const giveUpAt = Date.now() + deadlineMs;
  for (let waits = 0; ; waits++) {
    const answer = await submitGeneration.executeWithOptions(options, [request]);
    if (!isBusy(answer)) return answer;
    const wait = Math.round(Math.min(LONGEST_BUSY_WAIT_MS, answer.retryAfterMs * BUSY_WAIT_GROWTH ** waits));
    if (Date.now() + wait > giveUpAt) {
      throw new AttemptGaveUp({
        type: 'provider_busy',
        message: `${request.provider} had no free place within ${minutes(deadlineMs)} (PROVIDER_CONCURRENCY)`,
      });
    }
    await sleep(wait);
  }
}

/**
 * Looks at the task until it is done (the looks' gaps are checkGeneration's retry policy), and
 * at once when the provider calls back that it ended (PROVIDER_WEBHOOKS, fal and PiAPI). A task
 * past its deadline, or one the round no longer wants because it was cancelled, is cancelled at
 * the provider so it stops costing money.
 */
async function waitForOutput(
  task: GenerationTask,
  summary: (step: string) => { summary: string },
  deadlineMs: number,
): Promise<GenerationOutput> {
  const poll = generationPollPolicy(task.kind);
  const check = (scheduleToCloseMs: number) =>
    checkGeneration.executeWithOptions(
      {
        ...summary('generate'),
        scheduleToCloseTimeout: scheduleToCloseMs,
        retry: { initialInterval: poll.initialMs, backoffCoefficient: poll.backoff, maximumInterval: poll.maxMs },
      },
      [task],
    );
  try {
    if (!patched(PATCH_GENERATION_CALLBACKS)) return await check(deadlineMs);
    listenForGenerationCallbacks();
    const startedAt = Date.now();
    const looks = await lookUntilCalledBack(() => check(deadlineMs), task.taskId);
    if (looks.done) return looks.output;
    // Called back: look now rather than at the next scheduled look. Should the task still run
    // (a callback sent early), this look goes on at the same gaps until the same deadline.
    const leftMs = deadlineMs - (Date.now() - startedAt);
    if (leftMs <= 0) throw new AttemptGaveUp(timedOut(task, deadlineMs));
    return await check(leftMs);
  } catch (error) {
    if (isCancellation(error)) {
      await CancellationScope.nonCancellable(() => cancelGeneration.executeWithOptions(summary('cancel'), [task]));
      throw error;
    }
    if (!pastDeadline(error) && !(error instanceof AttemptGaveUp)) throw error;
    await cancelGeneration.executeWithOptions(summary('cancel'), [task]);
    throw error instanceof AttemptGaveUp ? error : new AttemptGaveUp(timedOut(task, deadlineMs));
  }
}

/**
 * Runs the looks until they end or the provider calls back for the task, whichever comes first;
 * on a callback the pending looks are cancelled (their cancellation is ours, not the round's).
 * A cancellation of the round reaches the looks through the scope and is thrown as it is.
 */
async function lookUntilCalledBack(
  looks: () => Promise<GenerationOutput>,
  taskId: string,
): Promise<{ done: true; output: GenerationOutput } | { done: false }> {
  // Called back before the wait began (a quick task): the first look is the one it asks for.
  if (wasCalledBack(taskId)) return { done: true, output: await looks() };
  const scope = new CancellationScope();
  const running = scope.run(looks);
  let settled = false;
  // Handled here so an outcome nobody awaits (after a callback) is no unhandled rejection.
  running.then(
    () => (settled = true),
    () => (settled = true),
  );
  await condition(() => settled || wasCalledBack(taskId));
  if (settled) return { done: true, output: await running };
  scope.cancel();
  try {
    // The looks may have ended just as the callback came: their output is as good as a new look's.
    return { done: true, output: await running };
  } catch (error) {
    if (!isCancellation(error)) throw error;
    return { done: false };
  }
}

function timedOut(task: GenerationTask, deadlineMs: number): AttemptFailure {
  return { type: 'timeout', message: `${task.provider} did not finish task ${task.taskId} within ${minutes(deadlineMs)}` };
}

// The server ends the looks at the deadline either with a timeout, or, when the next look would
// fall after it, with the last look's failure and retry state TIMEOUT.
function pastDeadline(error: unknown): boolean {
  return error instanceof ActivityFailure && (error.cause instanceof TimeoutFailure || error.retryState === RetryState.TIMEOUT);
}

function minutes(ms: number): string {
  return ms < 60_000 ? `${Math.round(ms / 1000)} seconds` : `${Math.round(ms / 60_000)} minutes`;
}

function isBusy(answer: GenerationTask | ProviderBusy): answer is ProviderBusy {
  return 'busy' in answer && answer.busy;
}
