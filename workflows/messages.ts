import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { RegenerationState, UserDecision } from '../src/domain/regeneration';

/** A reviewer's decision. Validated inside the workflow: a signal that does not fit changes nothing. */
export const userDecisionSignal = defineSignal<[UserDecision]>('userDecision');

/** Where a round stands, at any moment. */
export const getRegenerationStateQuery = defineQuery<RegenerationState>('getRegenerationState');

export {
  RegenStatusKey,
  SceneIdKey,
  ProjectIdKey,
  BestScoreKey,
} from '../src/temporal/search-attributes';
