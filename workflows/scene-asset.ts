import {
  ApplicationFailure,
  condition,
  isCancellation,
  ParentClosePolicy,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { AssetRef } from '../src/domain/asset';
import type { SceneAnalysisResult } from '../src/domain/analysis';
import type { RegenerationResult, RegenerationState, SceneAssetResult } from '../src/domain/regeneration';
import { checkSceneAssetInput } from '../src/domain/input-checks';
import type { SceneAssetInput } from '../src/domain/inputs';
import type { RegenerationPolicy } from '../src/domain/policy';
import { sceneForRegeneration, type PipelineScene } from '../src/domain/scene';
import { regenerationWorkflowId } from '../src/domain/workflow-ids';
import { roundUsd } from '../src/catalog/cost';
import { findRoundInProgress, firstProvider, passingBarFor, saveScene, saveSceneAnalysis } from './activities';
import { attemptFailureOf, generationRequest, judge } from './attempt';
import { generate, GenerationStopped } from './generation';
import { regenerationEscalatedSignal } from './messages';
import { regenerateSceneWorkflow } from './regenerate-scene';
import { needsRegeneration } from '../src/rules/outcome';
import { resolvePolicy } from '../src/rules/policy';
import { sceneKind } from '../src/rules/provider-choice';
import { roundSummary } from '../src/rules/round-story';

/** What the first asset came to: its stored copy and verdict, or a failing verdict when it could not be made. */
interface FirstAsset {
  assetUrl?: string;
  asset?: AssetRef;
  analysis: SceneAnalysisResult;
}

/**
 * The pipeline's step for one scene: store it, make its first asset with the scene's provider,
 * judge it, and start a regeneration round when SPEC.md says so. Ends when the scene is good,
 * decided, or waiting in the review queue (the round itself goes on waiting for a person).
 */
export async function sceneAssetWorkflow(rawInput: SceneAssetInput): Promise<SceneAssetResult> {
  const input = await withProvider(checkedInput(rawInput));
  const { scene } = input;
  let escalation: RegenerationState | undefined;
  setHandler(regenerationEscalatedSignal, (state) => {
    escalation = state;
  });

  // Before anything is paid for or rewritten: a scene in review belongs to its round until the
  // round ends.
  const running = await findRoundInProgress({ sceneId: scene.id });
  if (running !== undefined) {
    throw ApplicationFailure.nonRetryable(
      `Scene ${scene.id} is already in review: its round ${running.workflowId} is ${running.status}; decide or cancel that round first`,
      'already_in_review',
    );
  }
  await saveScene({ scene, project: input.project });
  const policy = await firstAssetPolicy(input);
  const first = await firstAsset(input, policy);
  if (!needsRegeneration(first.analysis, policy)) {
    return { sceneId: scene.id, assetUrl: first.assetUrl, analysis: first.analysis, qualityScore: first.analysis.overallScore, needsUserReview: false };
  }
  const round = await startRound(input, first);
  const ended = await Promise.race([round.result(), condition(() => escalation !== undefined).then(() => undefined)]);
  if (ended !== undefined) return roundResult(scene.id, ended, first);
  return {
    sceneId: scene.id,
    assetUrl: first.assetUrl,
    analysis: first.analysis,
    qualityScore: escalation!.currentScore,
    needsUserReview: true,
    reviewWorkflowId: round.workflowId,
  };
}

/** The step's input once its scene has a provider. */
type PipelineStep = SceneAssetInput & { scene: PipelineScene };

/** A scene that names no provider gets the first generation's (activities/round-steps.ts firstProvider). */
async function withProvider(input: SceneAssetInput): Promise<PipelineStep> {
  if (input.scene.provider !== undefined) return input as PipelineStep;
  const provider = await firstProvider({ scene: input.scene, policy: resolvePolicy(input.policy), workflowId: workflowInfo().workflowId });
  return { ...input, scene: { ...input.scene, provider } };
}

/**
 * The policy the first asset is judged by: with `policy.calibratedBar`, its passing score is the
 * content type's bar as a round would read it (src/rules/calibration.ts), so a first asset is not
 * passed at a bar its round would fail.
 */
async function firstAssetPolicy({ scene, policy }: PipelineStep): Promise<RegenerationPolicy> {
  const resolved = resolvePolicy(policy);
  if (resolved.calibratedBar !== true) return resolved;
  const bar = await passingBarFor({ policy: resolved, contentType: scene.contentType });
  return { ...resolved, minScoreToPass: bar.score };
}

/** The first asset, or, when it cannot be made, a failing verdict so that a round tries others. */
async function firstAsset({ scene, project }: PipelineStep, policy: RegenerationPolicy): Promise<FirstAsset> {
  const { workflowId, runId } = workflowInfo();
  const plan = {
    idempotencyKey: `${workflowId}/${runId}/first`,
    provider: scene.provider,
    prompt: scene.visualDirection,
    kind: sceneKind(scene.duration, scene.provider),
    scene,
    brandProfile: project?.brandProfile,
    policy,
    label: `first asset · ${scene.provider}`,
  };
  let made;
  try {
    const generated = await generate(generationRequest(plan), plan.label);
    made = { generated, verdict: await judge(plan, generated) };
  } catch (thrown) {
    const error = thrown instanceof GenerationStopped ? thrown.cause : thrown;
    const failure = isCancellation(error) ? undefined : attemptFailureOf(error);
    if (failure === undefined) throw error;
    const description = `First asset failed: ${failure.type}: ${failure.message}`;
    return { analysis: { overallScore: 0, recommendation: 'critical_fail', issues: [{ category: 'technical', severity: 'critical', description }] } };
  }
  const { generated, verdict } = made;
  await saveSceneAnalysis({
    sceneId: scene.id,
    workflowId,
    asset: generated.asset,
    provider: scene.provider,
    analysis: verdict.analysis,
    costUsd: roundUsd(generated.costUsd + verdict.costUsd),
  });
  return { assetUrl: generated.asset.url, asset: generated.asset, analysis: verdict.analysis };
}

async function startRound({ scene, project, policy }: PipelineStep, first: FirstAsset) {
  try {
    return await startChild(regenerateSceneWorkflow, {
      workflowId: regenerationWorkflowId(scene.id),
      staticSummary: roundSummary({ ...scene, currentProvider: scene.provider }, project?.name),
      // The round outlives this step while it waits for a reviewer.
      parentClosePolicy: ParentClosePolicy.ABANDON,
      args: [{ scene: sceneForRegeneration(scene, first), project, policy, trigger: 'auto' }],
    });
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) {
      throw ApplicationFailure.nonRetryable(
        `A regeneration round is already running for scene ${scene.id} (${regenerationWorkflowId(scene.id)})`,
        'round_already_running',
      );
    }
    throw error;
  }
}

function roundResult(sceneId: number, result: RegenerationResult, first: FirstAsset): SceneAssetResult {
  const keeps = result.success;
  return {
    sceneId,
    assetUrl: keeps ? result.newAssetUrl : result.outcome === 'rejected' ? undefined : first.assetUrl,
    analysis: keeps ? result.newAnalysis : first.analysis,
    qualityScore: result.finalScore,
    regeneration: result,
    needsUserReview: result.outcome === 'review_timed_out',
  };
}

/** Bad input fails the execution, not the workflow task, so it ends the run instead of looping. */
function checkedInput(raw: unknown): SceneAssetInput {
  const checked = checkSceneAssetInput(raw);
  if (!checked.ok) throw ApplicationFailure.nonRetryable(`Invalid input: ${checked.problems.join('; ')}`, 'bad_request');
  return checked.value;
}
