import {
  ApplicationFailure,
  condition,
  getExternalWorkflowHandle,
  log,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';
import type { ProviderName } from '../src/domain/provider';
import { pipelineSceneOf, RegenerateSceneInputSchema, type RegenerateSceneInput } from '../src/domain/scene';
import type {
  RegenerationAttempt,
  RegenerationOutcome,
  RegenerationResult,
  RegenerationState,
  RegenerationStatus,
  UserDecision,
} from '../src/domain/regeneration';
import { db } from './activities';
import { currentFrom, runAttempt, type CurrentAsset } from './attempt';
import { checkDecision } from './decision';
import {
  BestScoreKey,
  getRegenerationStateQuery,
  ProjectIdKey,
  regenerationEscalatedSignal,
  RegenStatusKey,
  SceneIdKey,
  userDecisionSignal,
} from './messages';
import { improvedPrompt, providerForAttempt, resolvePolicy, sceneKind } from './strategy';

/**
 * One regeneration round for a scene (SPEC.md), then, if no attempt passed, a durable wait for a
 * person's decision, which may start another round. Decisions only: all I/O is in activities.
 */
export async function regenerateSceneWorkflow(rawInput: RegenerateSceneInput): Promise<RegenerationResult> {
  const parsed = RegenerateSceneInputSchema.safeParse(rawInput);
  if (!parsed.success) {
    // Failing the execution (not the workflow task) so bad input ends the run instead of looping.
    throw ApplicationFailure.nonRetryable(`Invalid input: ${parsed.error.message}`, 'bad_request');
  }
  const input = parsed.data;
  const { scene } = input;
  const policy = resolvePolicy(input.policy);
  const brandProfile = input.project?.brandProfile;
  const { workflowId, runId } = workflowInfo();

  let current: CurrentAsset = {
    score: scene.analysisResult.overallScore,
    analysis: scene.analysisResult,
    assetUrl: scene.currentAssetUrl,
    provider: scene.currentProvider,
  };
  const state: RegenerationState = {
    sceneId: scene.id,
    status: 'regenerating',
    round: 1,
    attempt: 0,
    maxAttempts: policy.maxAttempts,
    currentScore: current.score,
    attempts: [],
  };
  let pendingDecision: UserDecision | undefined;
  let escalated = false;

  const roundAttempts = (): RegenerationAttempt[] => state.attempts.filter((a) => a.round === state.round);

  setHandler(getRegenerationStateQuery, () => state);
  setHandler(userDecisionSignal, (raw) => {
    const check = checkDecision(raw, state.status === 'awaiting_review' && !pendingDecision, roundAttempts());
    if (!check.ok) {
      log.warn('userDecision ignored', { reason: check.reason, sceneId: scene.id });
      return;
    }
    pendingDecision = check.decision;
  });

  const setStatus = (status: RegenerationStatus): void => {
    state.status = status;
    upsertSearchAttributes([
      { key: RegenStatusKey, value: status },
      { key: BestScoreKey, value: current.score },
    ]);
  };
  upsertSearchAttributes([
    { key: SceneIdKey, value: scene.id },
    { key: ProjectIdKey, value: scene.projectId },
  ]);
  setStatus('regenerating');

  // Attempts and queue entries belong to the scene's record, and a round started directly (by an
  // operator or the API) may be the first to know the scene and its starting point.
  await db.saveScene({
    scene: pipelineSceneOf(scene),
    project: input.project,
    current: { assetUrl: scene.currentAssetUrl, analysis: scene.analysisResult },
  });

  let personPrompt = input.customPrompt;
  let roundProvider: ProviderName = scene.currentProvider;

  for (;;) {
    const roundStart = current;
    const passed = await runRound();
    if (passed) return finish('passed', current, false);

    escalated = true;
    state.attempt = 0;
    state.awaitingReviewSince = new Date().toISOString();
    setStatus('awaiting_review');
    const { entryId } = await db.escalateToReview({
      workflowId,
      round: state.round,
      sceneId: scene.id,
      projectId: scene.projectId,
      sceneIndex: scene.sceneIndex,
      reason: 'auto_regeneration_failed',
      bestScore: current.score,
      bestAttemptNumber: current.attemptNumber,
      attempts: roundAttempts(),
      escalatedAt: state.awaitingReviewSince,
    });
    await tellParentOnce();

    const decided = policy.reviewTimeout
      ? await condition(() => pendingDecision !== undefined, policy.reviewTimeout as Duration)
      : await condition(() => pendingDecision !== undefined).then(() => true);
    if (!decided) {
      if (!policy.onReviewTimeout) return finish('review_timed_out', current, true);
      // The policy decides in the person's place; recorded as a decision like any other.
      pendingDecision =
        policy.onReviewTimeout === 'approve_best'
          ? { action: 'approve', reviewer: 'review-timeout', note: `No decision within ${policy.reviewTimeout}` }
          : { action: 'reject', reviewer: 'review-timeout', note: `No decision within ${policy.reviewTimeout}` };
    }
    const decision = pendingDecision!;
    const decidedAt = new Date().toISOString();
    state.decision = decision;
    await db.closeReviewEntry({ entryId, workflowId, round: state.round, decision, decidedAt });
    // Cleared only now, in the same step that leaves awaiting_review: while the entry was being
    // closed, a duplicate signal (a double click) had to find a decision already taken, or it
    // would have stayed pending and decided the next round's review without a person.
    pendingDecision = undefined;
    const review = { decision, decidedAt };

    if (decision.action === 'approve') {
      const chosen = approvedAsset(decision.attemptNumber, roundStart);
      return finish('approved', chosen, false, review);
    }
    if (decision.action === 'reject') return finish('rejected', current, false, review);

    // regenerate: another round from the current best, with the reviewer's prompt and provider.
    personPrompt = decision.customPrompt;
    roundProvider = decision.provider ?? current.provider;
    current = { ...current, attemptNumber: undefined };
    state.round += 1;
    state.awaitingReviewSince = undefined;
    state.bestAttemptNumber = undefined;
    setStatus('regenerating');
  }

  /** The pipeline step that started this round stops waiting once the scene is in the queue. */
  async function tellParentOnce(): Promise<void> {
    const parent = workflowInfo().parent;
    if (!parent || state.round > 1) return;
    try {
      await getExternalWorkflowHandle(parent.workflowId, parent.runId).signal(regenerationEscalatedSignal, state);
    } catch (error) {
      // A parent that is gone (terminated by an operator) has nobody left to tell.
      log.warn('could not tell the pipeline step about the escalation', { error: String(error) });
    }
  }

  /** Runs up to maxAttempts attempts; true as soon as one passes. */
  async function runRound(): Promise<boolean> {
    const kind = sceneKind(scene.duration, roundProvider);
    const fallbackOrder = policy.providerFallbackOrder[kind];
    for (let attemptNumber = 1; attemptNumber <= policy.maxAttempts; attemptNumber++) {
      state.attempt = attemptNumber;
      const attempt = await runAttempt({
        idempotencyKey: `${workflowId}/${runId}/${state.round}/${attemptNumber}`,
        round: state.round,
        attemptNumber,
        provider: providerForAttempt({
          attemptNumber,
          currentProvider: roundProvider,
          contentType: scene.contentType,
          fallbackOrder,
        }),
        prompt: improvedPrompt({
          attemptNumber,
          visualDirection: scene.visualDirection,
          personPrompt,
          analysis: current.analysis,
          brandProfile,
        }),
        kind,
        scene,
        brandProfile,
        minScoreToPass: policy.minScoreToPass,
        policy,
        current,
      });
      state.attempts.push(attempt);
      if (attempt.result !== 'failed') {
        current = currentFrom(attempt);
        state.currentScore = current.score;
        state.bestAttemptNumber = attemptNumber;
        upsertSearchAttributes([{ key: BestScoreKey, value: current.score }]);
      }
      await db.recordAttempt({ workflowId, sceneId: scene.id, projectId: scene.projectId, attempt });
      if (attempt.result === 'success') return true;
    }
    return false;
  }

  function approvedAsset(attemptNumber: number | undefined, roundStart: CurrentAsset): CurrentAsset {
    if (attemptNumber === undefined) return current;
    if (attemptNumber === 0) return roundStart;
    return currentFrom(roundAttempts().find((a) => a.attemptNumber === attemptNumber)!);
  }

  async function finish(
    outcome: RegenerationOutcome,
    final: CurrentAsset,
    needsUserReview: boolean,
    review?: RegenerationResult['review'],
  ): Promise<RegenerationResult> {
    state.attempt = 0;
    current = final;
    state.currentScore = final.score;
    setStatus(outcome);
    const keepsAsset = outcome === 'passed' || outcome === 'approved';
    await db.saveSceneOutcome({
      workflowId,
      sceneId: scene.id,
      outcome,
      finalScore: final.score,
      needsUserReview,
      asset:
        keepsAsset && final.assetUrl ? { url: final.assetUrl, provider: final.provider, ref: final.assetRef } : undefined,
      analysis: keepsAsset ? final.analysis : undefined,
    });
    return {
      success: keepsAsset,
      outcome,
      finalScore: final.score,
      attempts: state.attempts,
      escalatedToUser: escalated,
      newAssetUrl: keepsAsset ? final.assetUrl : undefined,
      newAnalysis: keepsAsset ? final.analysis : undefined,
      review,
    };
  }
}
