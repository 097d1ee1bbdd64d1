import type { ProviderName } from '../domain/provider';
import type { RegenerationState } from '../domain/regeneration';
import { sceneKind } from './provider-choice';

/**
 * What the Temporal Web UI and `temporal workflow describe` show for a round without opening its
 * payloads: a fixed summary when it starts, and its current details as it goes.
 */
export function roundSummary(
  scene: { id: number; projectId: number; duration: number; currentProvider: ProviderName },
  projectName?: string,
): string {
  const kind = sceneKind(scene.duration, scene.currentProvider);
  const project = projectName ? `${projectName} (project ${scene.projectId})` : `project ${scene.projectId}`;
  return `Regenerate scene ${scene.id} of ${project}: ${kind}, from ${scene.currentProvider}`;
}

export function roundDetails(state: RegenerationState, doing?: string): string {
  const score = state.bestPick?.score ?? state.currentScore;
  const best = state.bestAttemptNumber !== undefined ? `best ${score} (attempt ${state.bestAttemptNumber})` : `best ${score} (the scene's own)`;
  const where =
    state.status === 'regenerating' && state.attempt > 0
      ? `round ${state.round}, attempt ${state.attempt} of ${state.maxAttempts}`
      : `round ${state.round}`;
  const what =
    doing ??
    (state.status === 'awaiting_review'
      ? `waiting for a reviewer's decision since ${state.awaitingReviewSince ?? '?'}`
      : state.status === 'regenerating'
        ? 'regenerating'
        : `ended: ${state.status}`);
  return `${where} · ${best} · ${what}`;
}
