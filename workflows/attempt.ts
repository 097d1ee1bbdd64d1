import { ActivityFailure, ApplicationFailure, isCancellation } from '@temporalio/workflow';
import type { BrandProfile } from '../src/domain/brand';
import type { GeneratedAsset, GenerateRequest, GenerationFailureDetails } from '../src/domain/generation';
import type { RoundAsset } from '../src/domain/inputs';
import { sceneForAnalysis, type JudgeResult } from '../src/domain/judging';
import type { RegenerationPolicy } from '../src/domain/policy';
import type { ProviderName } from '../src/domain/provider';
import type { AttemptFailure, AttemptStep, RegenerationAttempt, RepairRequest } from '../src/domain/regeneration';
import { DEFAULT_ASPECT_RATIO, type Scene, type SceneKind } from '../src/domain/scene';
import { roundUsd } from '../src/catalog/cost';
import { judgingSettings } from '../src/rules/judging';
import { attemptOutcome } from '../src/rules/outcome';
import { generationDeadlineMs, providerBusyDeadlineMs } from '../src/rules/generation-wait';
import { judgeAsset } from './activities';
import { generate, GenerationStopped, pastBackstop } from './generation';

/** What one attempt (or the pipeline's first asset) makes and how it is judged. */
export interface AttemptPlan {
  idempotencyKey: string;
  round: number;
  attemptNumber: number;
  provider: ProviderName;
  prompt: string;
  kind: SceneKind;
  scene: Scene;
  brandProfile?: BrandProfile;
  /**
   * The prompt a person gave the round: the judge scores the asset against it, in place of the
   * scene's visual direction it replaced, so an asset is not marked down for doing as asked.
   */
  personPrompt?: string;
  policy: RegenerationPolicy;
  /** What the attempt is judged against: the round's current asset. */
  current: Pick<RoundAsset, 'score'>;
  /** Names the attempt in the Web UI's activity summaries, e.g. "attempt 2 · luma". */
  label: string;
  /**
   * A repair: `prompt` is the edit's instruction and the provider edits `edit`'s
   * asset; the result is judged against the prompt that asset was made from.
   */
  repair?: { request: RepairRequest; edit: NonNullable<GenerateRequest['edit']> };
}

/**
 * One attempt, generated, stored and judged, as the record SPEC.md keeps of it. A generation or
 * judgment that fails (after its own retries) makes a failed attempt with its reason and what it
 * cost, and the round goes on; only cancellation and bugs propagate. A cancelled attempt stops
 * its provider's task and is thrown as AttemptCancelled, carrying what it had cost.
 */
export async function runAttempt(plan: AttemptPlan): Promise<RegenerationAttempt> {
  const base = {
    attemptNumber: plan.attemptNumber,
    round: plan.round,
    timestamp: new Date().toISOString(),
    provider: plan.provider,
    prompt: plan.prompt,
    scoreBefore: plan.current.score,
    ...(plan.repair ? { kind: 'repair' as const, repair: plan.repair.request } : {}),
  };
  let generated: GeneratedAsset | undefined;
  try {
    generated = await generate(generationRequest(plan), plan.label);
    const judged = await judge(plan, generated);
    return {
      ...base,
      result: attemptOutcome(judged.analysis.overallScore, plan.current.score, plan.policy, judged.analysis.recommendation),
      scoreAfter: judged.analysis.overallScore,
      judgments: judged.judgments,
      analysisResult: judged.analysis,
      assetUrl: generated.asset.url,
      asset: generated.asset,
      costUsd: roundUsd(generated.costUsd + judged.costUsd),
      providerTaskId: generated.taskId,
    };
  } catch (thrown) {
    const error = thrown instanceof GenerationStopped ? thrown.cause : thrown;
    // A judgment that failed after answers were paid for carries their cost (src/analysis/judge-failures.ts).
    const spent = generated
      ? { taskId: generated.taskId, billedUsd: generated.costUsd + paidBeforeFailing(error) }
      : thrown instanceof GenerationStopped
        ? thrown.stopped
        : detailsOf(error);
    const money = { costUsd: roundUsd(spent.billedUsd ?? 0), ...(spent.taskId ? { providerTaskId: spent.taskId } : {}) };
    if (isCancellation(error)) {
      const failure = { type: 'cancelled', message: 'The round was cancelled during this attempt' };
      throw new AttemptCancelled({ ...base, result: 'failed', scoreAfter: 0, failure, ...money }, error);
    }
    const failed = attemptFailureOf(error);
    if (failed === undefined) throw error;
    const { step, ...failure } = failed;
    // No asset was judged, so there is no score to report for this attempt.
    return { ...base, result: 'failed', scoreAfter: 0, failure, failedStep: generated ? 'judge' : (step ?? 'generate'), ...money };
  }
}

/** The generation request of an attempt: its deadlines start now. */
export function generationRequest(plan: Omit<AttemptPlan, 'round' | 'attemptNumber' | 'current' | 'label'>) {
  const { scene, kind, provider } = plan;
  const deadlineMs = generationDeadlineMs(provider, kind, plan.policy.generationTimeout);
  return {
    provider,
    prompt: plan.prompt,
    kind,
    durationSeconds: kind === 'video' ? scene.duration : 0,
    aspectRatio: scene.aspectRatio ?? DEFAULT_ASPECT_RATIO,
    idempotencyKey: plan.idempotencyKey,
    sceneId: scene.id,
    submitBy: Date.now() + providerBusyDeadlineMs(deadlineMs),
    deadlineMs,
    ...(plan.repair ? { edit: plan.repair.edit } : {}),
  };
}

/** The asset judged against what was asked for (SPEC.md "Judging and choosing"). */
export function judge(plan: Omit<AttemptPlan, 'round' | 'attemptNumber' | 'current'>, generated: GeneratedAsset): Promise<JudgeResult> {
  const { scene, kind } = plan;
  const settings = judgingSettings(plan.policy);
  return judgeAsset.executeWithOptions({ summary: `${plan.label} · judge` }, [
    {
      asset: generated.asset,
      scene: sceneForAnalysis(scene, kind, plan.personPrompt),
      prompt: plan.repair?.request.sourcePrompt ?? plan.prompt,
      brandProfile: plan.brandProfile,
      ...settings,
    },
  ]);
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
 * Why an attempt failed, and at which step, when `error` is an activity's failure after its
 * retries; undefined for anything else (cancellation, bugs).
 */
export function attemptFailureOf(error: unknown): (AttemptFailure & { step?: AttemptStep }) | undefined {
  if (!(error instanceof ActivityFailure)) return undefined;
  const { step } = detailsOf(error);
  const cause = error.cause;
  if (pastBackstop(error)) return { type: 'timeout', message: 'The generation ran past its deadline', step: 'generate' };
  if (cause instanceof ApplicationFailure) return { type: cause.type ?? 'unknown', message: cause.message, ...(step ? { step } : {}) };
  return { type: cause?.name ?? 'activity_failed', message: cause?.message ?? error.message, ...(step ? { step } : {}) };
}

/** What an activity that failed had already paid for (Claude's tokens), from its failure's details. */
export function paidBeforeFailing(error: unknown): number {
  const { costUsd } = detailsOf(error) as { costUsd?: unknown };
  return typeof costUsd === 'number' && costUsd > 0 ? costUsd : 0;
}

function detailsOf(error: unknown): GenerationFailureDetails & { step?: AttemptStep } {
  if (!(error instanceof ActivityFailure) || !(error.cause instanceof ApplicationFailure)) return {};
  const details: unknown = error.cause.details?.[0];
  return details && typeof details === 'object' ? (details as GenerationFailureDetails & { step?: AttemptStep }) : {};
}
