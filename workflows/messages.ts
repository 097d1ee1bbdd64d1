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

export {
  RegenStatusKey,
  SceneIdKey,
  ProjectIdKey,
  BestScoreKey,
} from '../src/temporal/search-attributes';
