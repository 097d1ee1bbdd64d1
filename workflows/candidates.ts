import { isCancellation } from '@temporalio/workflow';
import type { BestPick } from '../src/domain/best-pick';
import type { BrandProfile } from '../src/domain/brand';
import type { ProviderName } from '../src/domain/provider';
import type { AttemptCandidate, CandidatesWhy, RegenerationAttempt } from '../src/domain/regeneration';
import type { SceneForRegeneration } from '../src/domain/scene';
import { roundUsd } from '../src/catalog/cost';
import { promptLimit } from '../src/catalog/prompt-limit';
import { bestCandidates, decideBest, needsPairwise, rankByScore } from '../src/rules/best-pick';
import { candidatePrompts } from '../src/rules/candidates';
import type { PromptInput } from '../src/rules/prompt';
import { AttemptCancelled, runAttempt, type AttemptPlan } from './attempt';
import { compareTopTwo } from './best-pick';

/** What choosing between an attempt's candidates needs beside them. */
export interface CandidatesContext {
  scene: SceneForRegeneration;
  brandProfile?: BrandProfile;
  personPrompt?: string;
  band: number;
  why: CandidatesWhy;
}

/**
 * One plan per candidate (src/rules/candidates.ts): each its provider and prompt, candidate 1
 * under the attempt's own key so a one-candidate attempt is unchanged, the others under keys of
 * their own, so each is a generation of its own at its provider (and under its limits).
 */
export function candidatePlans(attempt: AttemptPlan, providers: readonly ProviderName[], promptInput: PromptInput): AttemptPlan[] {
  const prompts = candidatePrompts(promptInput, providers, (provider) => promptLimit(provider, attempt.kind));
  return providers.map((provider, index) => {
    const candidate = index + 1;
    return {
      ...attempt,
      provider,
      prompt: prompts[index],
      idempotencyKey: candidate === 1 ? attempt.idempotencyKey : `${attempt.idempotencyKey}/c${candidate}`,
      label: `attempt ${attempt.attemptNumber} · candidate ${candidate} · ${provider}`,
    };
  });
}

/**
 * SPEC.md "Repair and candidates": the candidates run at once, each generated and judged as an
 * attempt is; the best is kept (Claude compares the top two when their scores are within the
 * band) and the attempt is the kept candidate's, costing every candidate and the comparison.
 * A cancelled round cancels every candidate in flight (they share the round's scope) and is
 * thrown once all have stopped, as AttemptCancelled with what they all cost.
 */
export async function runCandidates(plans: readonly AttemptPlan[], context: CandidatesContext): Promise<RegenerationAttempt> {
  const settled = await Promise.allSettled(plans.map((plan) => runAttempt(plan)));
  const made = settled.map((s) => (s.status === 'fulfilled' ? s.value : s.reason instanceof AttemptCancelled ? s.reason.attempt : undefined));
  const rejected = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (rejected !== undefined) {
    const cancelled = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected' && s.reason instanceof AttemptCancelled);
    // A bug in one candidate is the round's bug; a cancellation is recorded with every candidate's cost.
    if (cancelled === undefined || made.includes(undefined)) throw rejected.reason;
    throw new AttemptCancelled(combined(made as RegenerationAttempt[], undefined, 0, context.why), (cancelled.reason as AttemptCancelled).cause);
  }
  const attempts = made as RegenerationAttempt[];
  const ranked = rankByScore(bestCandidates(undefined, attempts.map((a, index) => ({ ...a, attemptNumber: index + 1 }))));
  if (ranked.length === 0) return combined(attempts, undefined, 0, context.why);
  let compareUsd = 0;
  let answers: Awaited<ReturnType<typeof compareTopTwo>>['answers'];
  if (needsPairwise(ranked, context.band)) {
    const [first, second] = [attempts[ranked[0].attemptNumber! - 1], attempts[ranked[1].attemptNumber! - 1]];
    try {
      ({ costUsd: compareUsd, answers } = await compareTopTwo({ ...context, label: `attempt ${first.attemptNumber} · candidates` }, first.asset, second.asset));
    } catch (error) {
      if (isCancellation(error)) throw new AttemptCancelled(combined(attempts, undefined, 0, context.why), error);
      throw error;
    }
  }
  return combined(attempts, decideBest(ranked, context.band, answers), compareUsd, context.why);
}

/**
 * The attempt as recorded: the kept candidate's fields (candidate 1's when none was kept: all
 * failed, or cancelled), every candidate listed, the cost of them all and of the comparison.
 */
function combined(attempts: readonly RegenerationAttempt[], pick: BestPick | undefined, compareUsd: number, why: CandidatesWhy): RegenerationAttempt {
  const keptNumber = pick?.attemptNumber;
  const kept = attempts[(keptNumber ?? 1) - 1];
  const costUsd = roundUsd(attempts.reduce((sum, a) => sum + (a.costUsd ?? 0), compareUsd));
  const candidates = attempts.map((a, index): AttemptCandidate => candidateOf(a, index + 1, keptNumber === index + 1 ? pick : undefined));
  return { ...kept, costUsd, candidates, candidatesWhy: why };
}

function candidateOf(attempt: RegenerationAttempt, candidate: number, keptBy: BestPick | undefined): AttemptCandidate {
  return {
    candidate,
    provider: attempt.provider,
    prompt: attempt.prompt,
    kept: keptBy !== undefined,
    ...(keptBy ? { keptReason: keptBy.reason } : {}),
    ...(attempt.analysisResult ? { scoreAfter: attempt.scoreAfter, analysisResult: attempt.analysisResult } : {}),
    ...(attempt.assetUrl ? { assetUrl: attempt.assetUrl } : {}),
    ...(attempt.asset ? { asset: attempt.asset } : {}),
    ...(attempt.costUsd === undefined ? {} : { costUsd: attempt.costUsd }),
    ...(attempt.failure ? { failure: attempt.failure } : {}),
    ...(attempt.failedStep ? { failedStep: attempt.failedStep } : {}),
    ...(attempt.providerTaskId ? { providerTaskId: attempt.providerTaskId } : {}),
  };
}
