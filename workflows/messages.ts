import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { RegenerationState, UserDecision } from '../src/domain/regeneration';

/** A reviewer's decision. Validated inside the workflow: a signal that does not fit changes nothing. */
export const userDecisionSignal = defineSignal<[UserDecision]>('userDecision');

/** Where a round stands, at any moment. */
export const getRegenerationStateQuery = defineQuery<RegenerationState>('getRegenerationState');

/**
 * Sent by a regeneration round to the pipeline step that started it, once the scene is in the
 * review queue: the pipeline's work for that scene is done while the round waits for a person.
 */
export const regenerationEscalatedSignal = defineSignal<[RegenerationState]>('regenerationEscalated');

/**
 * Sent by the web server when a provider calls back (PROVIDER_WEBHOOKS): the task has ended, so
 * the workflow waiting on it looks at once instead of at its next scheduled look.
 */
export const generationCallbackSignal = defineSignal<[GenerationCallback]>('generationCallback');

export interface GenerationCallback {
  /** The provider's task id (PiAPI's task_id, fal's request_id). */
  taskId: string;
}

export {
  RegenStatusKey,
  SceneIdKey,
  ProjectIdKey,
  BestScoreKey,
} from '../src/domain/search-attributes';
