import {
  allHandlersFinished,
  ApplicationFailure,
  CancellationScope,
  condition,
  continueAsNew,
  isCancellation,
  log,
  patched,
  workflowInfo,
} from '@temporalio/workflow';
import { checkRegenerateSceneInput } from '../src/domain/input-checks';
import type { RegenerateSceneInput } from '../src/domain/inputs';
import type { RegenerationPolicy } from '../src/domain/policy';
import type { ProviderName } from '../src/domain/provider';
import type {
  EscalationReason,
  RegenerationAttempt,
  RegenerationOutcome,
  RegenerationResult,
  SkippedProvider,
} from '../src/domain/regeneration';
import { pipelineSceneOf } from '../src/domain/scene';
import { roundUsd } from '../src/catalog/cost';
import { promptLimit } from '../src/catalog/prompt-limit';
import { db } from './activities';
import { AttemptCancelled, runAttempt, type CurrentAsset } from './attempt';
import { chooseBest, PATCH_PAIRWISE_BEST_PICK } from './best-pick';
import { learnedChoiceFor, readRoundEvidence } from './learned-choice';
import { PATCH_PROVIDER_HEALTH } from './provider-health-patch';
import { awaitReview, ReviewInbox, type Review } from './review-wait';
import { RoundRecord } from './round-record';
import { shouldContinueAsNew } from '../src/rules/continue-as-new';
import { entryStatusFor } from '../src/rules/ending';
import { expectedAttemptUsd, mayStartAttempt } from '../src/rules/budget';
import { judgingSettings } from '../src/rules/judging';
import { resolvePolicy } from '../src/rules/policy';
import { improvedPrompt } from '../src/rules/prompt';
import { providerCandidates, providerForAttempt, sceneKind, sceneNeeds } from '../src/rules/provider-choice';
import { breakerOutcome } from '../src/rules/provider-health';
import { attemptDeadlineMs, generationDeadlineMs } from '../src/rules/generation-wait';

/** Marks runs that close their records on this ending; older recorded runs replay without it. */
export const PATCH_CANCEL_CLEANS_UP = 'cancel-cleans-up';
/** Marks runs that continue as new between reviewer rounds. */
export const PATCH_CONTINUE_AS_NEW = 'continue-as-new-between-rounds';
/** Marks runs that check the round's and the project's budget before each attempt. */
export const PATCH_BUDGET_CHECKED = 'budget-checked';
/** Marks runs whose attempts hold their expected price against the project's budget. */
export const PATCH_BUDGET_RESERVED = 'budget-reserved';

/** What a person asked of a round: their prompt and provider take the place of the scene's. */
interface RoundDirection {
  personPrompt?: string;
  provider: ProviderName;
}

/**
 * One regeneration round for a scene (SPEC.md), then, if no attempt passed, a durable wait for a
 * person's decision, which may start another round. Decisions only: all I/O is in activities.
 */
export async function regenerateSceneWorkflow(rawInput: RegenerateSceneInput): Promise<RegenerationResult> {
  const input = checkedInput(rawInput);
  const { scene } = input;
  const policy = resolvePolicy(input.policy);
  const { carried } = input;
  const record = new RoundRecord(scene, policy, carried);
  if (patched(PATCH_PAIRWISE_BEST_PICK)) record.usePairwiseBest();
  const inbox = new ReviewInbox(record, scene);
  // A run continued from another only exists because a reviewer sent the round back.
  let escalated = carried !== undefined;

  // Attempts and queue entries belong to the scene's record, and a round started directly (by an
  // operator or the API) may be the first to know the scene and its starting point. A continued
  // run's scene is stored already.
  if (!carried) {
    await db.saveScene({
      scene: pipelineSceneOf(scene),
      project: input.project,
      current: { assetUrl: scene.currentAssetUrl, analysis: scene.analysisResult },
    });
  }

  const roundStartOfRun = carried?.runStart ?? record.current;
  const firstRoundOfRun = record.state.round;
  let direction: RoundDirection = carried
    ? { personPrompt: carried.personPrompt, provider: carried.provider }
    : { personPrompt: input.customPrompt, provider: scene.currentProvider };
  try {
    for (;;) {
      const roundStart = record.current;
      const roundEnd = await runRound(input, policy, record, direction);
      if (roundEnd === 'passed') return await finish('passed', record.current);

      escalated = true;
      const review = await awaitReview(record, inbox, scene, policy, roundEnd);
      if (review === undefined) return await finish('review_timed_out', record.current, { needsUserReview: true });
      const { decision } = review;
      if (decision.action === 'approve') {
        return await finish('approved', record.approvedAsset(decision.attemptNumber, roundStart), { review });
      }
      if (decision.action === 'reject') return await finish('rejected', record.current, { review });

      // regenerate: another round from the current best, with the reviewer's prompt and provider.
      direction = { personPrompt: decision.customPrompt, provider: decision.provider ?? record.current.provider };
      record.startNextRound();
      const { historyLength, continueAsNewSuggested } = workflowInfo();
      const switchRuns =
        shouldContinueAsNew({
          roundsInRun: record.state.round - firstRoundOfRun,
          historyLength,
          suggestedByServer: continueAsNewSuggested,
        }) && patched(PATCH_CONTINUE_AS_NEW);
      if (switchRuns) {
        // A signal that arrived with the decision is handled (and refused: not awaiting review)
        // in this run, not dropped by the switch.
        await condition(allHandlersFinished);
        return await continueAsNew<typeof regenerateSceneWorkflow>({
          ...input,
          customPrompt: undefined,
          carried: {
            round: record.state.round,
            attempts: record.state.attempts,
            current: record.current,
            runStart: roundStartOfRun,
            personPrompt: direction.personPrompt,
            provider: direction.provider,
            runsBefore: (carried?.runsBefore ?? 0) + 1,
          },
        });
      }
    }
  } catch (error) {
    const cancelled = error instanceof AttemptCancelled ? error.cause : error;
    // Rounds recorded before this marker ended cancelled without touching the records.
    if (!isCancellation(cancelled) || !patched(PATCH_CANCEL_CLEANS_UP)) throw cancelled;
    return await CancellationScope.nonCancellable(() =>
      endCancelled(error instanceof AttemptCancelled ? error.attempt : undefined),
    );
  }

  /**
   * SPEC.md "How a round ends", cancelled: the money already spent is recorded, the entry (if the
   * round waited on one) is closed as cancelled, and the scene gets back what it had before.
   */
  async function endCancelled(attemptInFlight: RegenerationAttempt | undefined): Promise<RegenerationResult> {
    const { workflowId, runId } = workflowInfo();
    if (attemptInFlight) {
      record.state.attempts.push(attemptInFlight);
      await db.recordAttempt({ workflowId, sceneId: scene.id, projectId: scene.projectId, attempt: attemptInFlight });
      // A probe cut short says nothing of the provider: it is given back for another round to make.
      if (patched(PATCH_PROVIDER_HEALTH)) {
        const { provider, round, attemptNumber } = attemptInFlight;
        await db.recordProviderOutcome({ provider, outcome: 'neutral', attemptKey: `${workflowId}/${runId}/${round}/${attemptNumber}` });
      }
    }
    const entryId = record.state.reviewEntryId;
    if (entryId !== undefined) {
      await db.endReviewEntry({
        entryId,
        workflowId,
        round: record.state.round,
        status: entryStatusFor('cancelled') as 'cancelled',
        reason: 'The round was cancelled',
        endedAt: new Date().toISOString(),
      });
      record.state.reviewEntryId = undefined;
    }
    await db.restoreSceneAfterCancel({
      workflowId,
      sceneId: scene.id,
      finalScore: roundStartOfRun.score,
      costUsd: spentUsd(record.state.attempts),
    });
    record.state.attempt = 0;
    record.current = roundStartOfRun;
    record.state.currentScore = roundStartOfRun.score;
    record.setStatus('cancelled');
    return {
      success: false,
      outcome: 'cancelled',
      finalScore: roundStartOfRun.score,
      attempts: record.state.attempts,
      escalatedToUser: escalated,
    };
  }

  async function finish(
    outcome: Exclude<RegenerationOutcome, 'cancelled'>,
    final: CurrentAsset,
    ending: { needsUserReview?: boolean; review?: Review } = {},
  ): Promise<RegenerationResult> {
    record.state.attempt = 0;
    record.current = final;
    record.state.currentScore = final.score;
    record.setStatus(outcome);
    const keepsAsset = outcome === 'passed' || outcome === 'approved';
    await db.saveSceneOutcome({
      workflowId: workflowInfo().workflowId,
      sceneId: scene.id,
      outcome,
      finalScore: final.score,
      needsUserReview: ending.needsUserReview ?? false,
      asset:
        keepsAsset && final.assetUrl ? { url: final.assetUrl, provider: final.provider, ref: final.assetRef } : undefined,
      analysis: keepsAsset ? final.analysis : undefined,
      costUsd: spentUsd(record.state.attempts),
    });
    return {
      success: keepsAsset,
      outcome,
      finalScore: final.score,
      attempts: record.state.attempts,
      escalatedToUser: escalated,
      newAssetUrl: keepsAsset ? final.assetUrl : undefined,
      newAnalysis: keepsAsset ? final.analysis : undefined,
      review: ending.review,
    };
  }
}

/**
 * Runs up to maxAttempts attempts, each recorded: 'passed' as soon as one passes, otherwise why
 * the round waits for a person.
 */
async function runRound(
  input: RegenerateSceneInput,
  policy: RegenerationPolicy,
  record: RoundRecord,
  direction: RoundDirection,
): Promise<'passed' | EscalationReason> {
  const { scene, project } = input;
  const { workflowId, runId } = workflowInfo();
  const { state } = record;
  const healthAware = patched(PATCH_PROVIDER_HEALTH);
  const budgetChecked = patched(PATCH_BUDGET_CHECKED);
  const pairwiseBest = record.state.bestPick !== undefined;
  // The scene's own kind (SPEC.md), whichever provider a person asked for; before the marker a
  // round took the kind of the person's provider.
  const needs = sceneNeeds(scene, scene.currentProvider);
  const kind = healthAware ? needs.kind : sceneKind(scene.duration, direction.provider);
  const fallbackOrder = policy.providerFallbackOrder[kind];
  const evidence = await readRoundEvidence({ contentType: scene.contentType, kind, needs, fallbackOrder, policy });
  for (let attemptNumber = 1; attemptNumber <= policy.maxAttempts; attemptNumber++) {
    state.attempt = attemptNumber;
    const idempotencyKey = `${workflowId}/${runId}/${state.round}/${attemptNumber}`;
    // The learned choice only replaces the static one: capabilities and breakers still apply.
    const learned = learnedChoiceFor(evidence, {
      attemptNumber,
      currentProvider: direction.provider,
      usedThisRound: record.roundAttempts().map((a) => a.provider),
    });
    const preferred =
      learned ??
      providerForAttempt({
        attemptNumber,
        currentProvider: direction.provider,
        contentType: scene.contentType,
        fallbackOrder,
      });
    const choice = healthAware ? await chooseHealthyProvider(preferred, fallbackOrder, needs, idempotencyKey) : undefined;
    const provider = choice?.provider ?? preferred;
    if (budgetChecked && !(await withinBudget(scene, policy, record, provider, kind, attemptNumber, pairwiseBest))) {
      // A probe handed to this attempt is given back: the provider was not tried.
      if (healthAware) {
        await db.recordProviderOutcome({ provider, outcome: 'neutral', attemptKey: idempotencyKey });
      }
      return 'budget_exhausted';
    }
    record.tell(`generating with ${provider}`);
    const attempt = await runAttempt({
      idempotencyKey,
      round: state.round,
      attemptNumber,
      provider,
      prompt: improvedPrompt({
        attemptNumber,
        visualDirection: scene.visualDirection,
        personPrompt: direction.personPrompt,
        analysis: record.current.analysis,
        brandProfile: project?.brandProfile,
        maxLength: promptLimit(provider, kind),
      }),
      kind,
      scene,
      brandProfile: project?.brandProfile,
      minScoreToPass: policy.minScoreToPass,
      personPrompt: direction.personPrompt,
      generationTimeout: policy.generationTimeout,
      label: `attempt ${attemptNumber} · ${provider}`,
      policy,
      current: record.current,
    });
    if (choice && choice.skipped.length > 0) attempt.skippedProviders = choice.skipped;
    if (learned !== undefined) attempt.providerChoice = 'learned';
    if (pairwiseBest && attempt.analysisResult !== undefined) {
      // A comparison this attempt made necessary is paid with it, like its judgments.
      const comparedUsd = await bestAfter(attempt);
      if (comparedUsd > 0) attempt.costUsd = roundUsd((attempt.costUsd ?? 0) + comparedUsd);
    }
    record.addAttempt(attempt);
    await db.recordAttempt.executeWithOptions({ summary: `attempt ${attemptNumber} · ${provider} · record` }, [
      { workflowId, sceneId: scene.id, projectId: scene.projectId, attempt },
    ]);
    if (healthAware) {
      await db.recordProviderOutcome.executeWithOptions({ summary: `attempt ${attemptNumber} · ${provider} · health` }, [
        { provider, outcome: breakerOutcome(attempt), attemptKey: idempotencyKey },
      ]);
    }
    if (attempt.result === 'success') return 'passed';
  }
  return 'auto_regeneration_failed';

  /** The round's best with the attempt just judged; a passing attempt is taken whatever a comparison says. */
  async function bestAfter(attempt: RegenerationAttempt): Promise<number> {
    const context = {
      record,
      scene,
      brandProfile: project?.brandProfile,
      personPrompt: direction.personPrompt,
      band: judgingSettings(policy).uncertaintyBand,
      kind,
      label: `attempt ${attempt.attemptNumber} · ${attempt.provider}`,
    };
    try {
      return await chooseBest(context, attempt, attempt.result !== 'success');
    } catch (error) {
      // Cancelled while comparing: the attempt is recorded with what it cost, as one in flight.
      if (isCancellation(error)) throw new AttemptCancelled(attempt, error);
      throw error;
    }
  }
}

/**
 * SPEC.md "Cost and provider health": whether the attempt's expected price fits the round's
 * budget and the project's. The round's is the workflow's own sum; the project's is decided by
 * the database, which holds the price for this attempt so that the project's other rounds, on
 * any worker, count it until it is recorded. Runs before the marker read the project's spending
 * without holding anything.
 */
async function withinBudget(
  scene: RegenerateSceneInput['scene'],
  policy: RegenerationPolicy,
  record: RoundRecord,
  provider: ProviderName,
  kind: 'video' | 'image',
  attemptNumber: number,
  pairwiseBest: boolean,
): Promise<boolean> {
  const summary = { summary: `attempt ${attemptNumber} · budget` };
  const roundSpentUsd = record.roundAttempts().reduce((sum, a) => sum + (a.costUsd ?? 0), 0);
  const expectedUsd = expectedAttemptUsd({
    provider,
    kind,
    durationSeconds: kind === 'video' ? scene.duration : 0,
    judgments: policy.judgmentsNearBar ?? 1,
    // An attempt may make one pairwise comparison necessary (best-pick.ts).
    comparisons: pairwiseBest ? 1 : 0,
  });
  const refused = (why: { exceeded: 'round' | 'project'; message?: string }) => {
    log.info('budget exhausted: no further attempt', { sceneId: scene.id, exceeded: why.exceeded, why: why.message });
    return false;
  };
  if (!patched(PATCH_BUDGET_RESERVED)) {
    const project = await db.projectSpend.executeWithOptions(summary, [{ projectId: scene.projectId }]);
    const verdict = mayStartAttempt({
      roundSpentUsd,
      maxCostUsd: policy.maxCostUsd,
      projectSpentUsd: project.spentUsd,
      projectBudgetUsd: project.budgetUsd,
      expectedUsd,
    });
    return verdict.start || refused(verdict);
  }
  const roundVerdict = mayStartAttempt({ roundSpentUsd, maxCostUsd: policy.maxCostUsd, projectSpentUsd: 0, expectedUsd });
  if (!roundVerdict.start) return refused(roundVerdict);
  const { workflowId, runId } = workflowInfo();
  const hold = await db.reserveProjectBudget.executeWithOptions(summary, [
    {
      projectId: scene.projectId,
      workflowId,
      runId,
      round: record.state.round,
      attemptNumber,
      expectedUsd,
      holdMs: attemptDeadlineMs(generationDeadlineMs(provider, kind, policy.generationTimeout)),
    },
  ]);
  return hold.granted || refused({ exceeded: 'project', message: hold.message });
}

/**
 * The provider for an attempt (SPEC.md "Cost and provider health"): the static choice when it
 * can make the scene and its circuit breaker lets it through, else the next of the fallback
 * order that can and does, every one passed over recorded with the reason. When every provider
 * that fits is cooling down, the round does not stop: it uses the first that fits. When none can
 * make the scene, the static choice stands, as close as its adapter can shape the request.
 */
async function chooseHealthyProvider(
  preferred: ProviderName,
  fallbackOrder: readonly ProviderName[],
  needs: ReturnType<typeof sceneNeeds>,
  attemptKey: string,
): Promise<{ provider: ProviderName; skipped: SkippedProvider[] }> {
  const fitting = providerCandidates(preferred, fallbackOrder, needs);
  if (fitting.candidates.length === 0) {
    log.warn('no provider in the fallback order can make this scene', { preferred, reason: fitting.skipped[0]?.reason });
    return { provider: preferred, skipped: [] };
  }
  const pick = await db.pickProvider.executeWithOptions({ summary: `provider health · ${fitting.candidates.join(', ')}` }, [
    { candidates: fitting.candidates, attemptKey },
  ]);
  if (pick.provider === undefined) {
    log.warn('every provider that fits is cooling down; using the first', { candidates: fitting.candidates });
    return { provider: fitting.candidates[0], skipped: fitting.skipped };
  }
  return { provider: pick.provider, skipped: [...fitting.skipped, ...pick.skipped] };
}

/** What every attempt of the workflow's rounds cost, the carried ones of earlier runs included. */
function spentUsd(attempts: readonly RegenerationAttempt[]): number {
  return roundUsd(attempts.reduce((sum, a) => sum + (a.costUsd ?? 0), 0));
}

/** Bad input fails the execution, not the workflow task, so it ends the run instead of looping. */
function checkedInput(raw: unknown): RegenerateSceneInput {
  const checked = checkRegenerateSceneInput(raw);
  if (!checked.ok) throw ApplicationFailure.nonRetryable(`Invalid input: ${checked.problems.join('; ')}`, 'bad_request');
  return checked.value;
}
