import { Context } from '@temporalio/activity';
import { findRoundInProgress } from '../src/temporal/round-status';

/** Questions about other workflows, asked of Temporal with the worker's own client. */
export function createRoundActivities() {
  return {
    findRoundInProgress: ({ sceneId }: { sceneId: number }) => findRoundInProgress(Context.current().client, sceneId),
  };
}
