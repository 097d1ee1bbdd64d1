import type { RegenerationPolicy } from '../domain/policy';
import type { ProviderName } from '../domain/provider';
import { REVIEW_TIMEOUT_REVIEWER, type RegenerationAttempt, type UserDecision } from '../domain/regeneration';
import { capabilityProblem } from './capabilities';
import { sceneNeeds } from './provider-choice';

/** An attempt a reviewer can approve: it produced a stored, judged asset. */
export function isApprovable(attempt: Pick<RegenerationAttempt, 'assetUrl' | 'analysisResult'>): boolean {
  return attempt.assetUrl !== undefined && attempt.analysisResult !== undefined;
}

/** The scene as a decision is checked against: what it is and which provider made its asset. */
export interface DecidedScene {
  duration: number;
  aspectRatio?: string;
  currentProvider: ProviderName;
}

/**
 * Why a well-formed decision cannot be carried out against the round's attempts (and, when the
 * scene is given, why its provider cannot make the scene), or undefined when it can. The round
 * checks it before acting; the API and the CLI check it first so that a person hears why at once
 * instead of finding it in the worker's log.
 */
export function decisionProblem(
  decision: UserDecision,
  roundAttempts: readonly RegenerationAttempt[],
  scene?: DecidedScene,
): string | undefined {
  if (decision.action === 'regenerate' && decision.provider !== undefined && scene !== undefined) {
    return providerProblem(decision.provider, scene);
  }
  if (decision.action !== 'approve' || decision.attemptNumber === undefined || decision.attemptNumber === 0) return undefined;
  const attempt = roundAttempts.find((a) => a.attemptNumber === decision.attemptNumber);
  if (attempt === undefined) return `attempt ${decision.attemptNumber} does not exist in this round`;
  if (decision.candidate === undefined) {
    return isApprovable(attempt) ? undefined : `attempt ${decision.attemptNumber} produced no asset to approve`;
  }
  const candidate = attempt.candidates?.find((c) => c.candidate === decision.candidate);
  if (candidate === undefined) return `attempt ${decision.attemptNumber} has no candidate ${decision.candidate}`;
  if (!isApprovable(candidate)) return `candidate ${decision.candidate} of attempt ${decision.attemptNumber} produced no asset to approve`;
  return undefined;
}

/** SPEC.md: with `onReviewTimeout` set, the policy decides in the person's place once the time is up. */
export function reviewTimeoutDecision(policy: RegenerationPolicy): UserDecision | undefined {
  if (!policy.onReviewTimeout) return undefined;
  const note = `No decision within ${policy.reviewTimeout}`;
  return policy.onReviewTimeout === 'approve_best'
    ? { action: 'approve', reviewer: REVIEW_TIMEOUT_REVIEWER, note }
    : { action: 'reject', reviewer: REVIEW_TIMEOUT_REVIEWER, note };
}

/** Why a person's choice of provider cannot make the scene, or undefined when it can (SPEC.md). */
export function providerProblem(provider: ProviderName, scene: DecidedScene): string | undefined {
  const problem = capabilityProblem(provider, sceneNeeds(scene, scene.currentProvider));
  return problem === undefined ? undefined : `provider ${provider} cannot make this scene: ${problem}`;
}
