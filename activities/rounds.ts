import { Context } from '@temporalio/activity';
import type { RoundActivities } from '../src/domain/activity-types';
import { findRoundInProgress } from '../src/temporal/round-status';

/** Questions about other workflows, asked of Temporal with the worker's own client. */
export function createRoundActivities(): RoundActivities {
  return {
    findRoundInProgress: ({ sceneId }) => findRoundInProgress(Context.current().client, sceneId),
  };
}
