import { sql, type Transaction } from 'kysely';
import type { RegenerationOutcome } from '../domain/regeneration';
import { roundEndedEvent } from '../notifications/events';
import type { NotificationSettings } from '../notifications/settings';
import { roundUsd } from '../catalog/cost';
import { enqueueDeliveries } from './notification-outbox';
import type { DatabaseSchema } from './schema';

export interface RoundEnding {
  workflowId: string;
  runId: string;
  sceneId: number;
  outcome: RegenerationOutcome;
  /** Absent: the scene's score as the ending left it. */
  finalScore?: number;
  /** What every attempt of the workflow's rounds cost; absent: this run's recorded attempts. */
  costUsd?: number;
}

/**
 * The `round.ended` event of an ending, added in the ending's own transaction. The ending is
 * written once per run, and the event is keyed by the run, so a retried ending adds nothing.
 */
export async function enqueueRoundEnded(
  trx: Transaction<DatabaseSchema>,
  notify: NotificationSettings,
  ending: RoundEnding,
): Promise<string[]> {
  const scene = await trx
    .selectFrom('scenes')
    .select(['project_id', 'quality_score'])
    .where('id', '=', ending.sceneId)
    .executeTakeFirst();
  if (scene === undefined) return [];
  const costUsd = ending.costUsd ?? (await recordedCost(trx, ending.workflowId, ending.runId));
  return enqueueDeliveries(trx, notify.targets, [
    roundEndedEvent({
      workflowId: ending.workflowId,
      runId: ending.runId,
      sceneId: ending.sceneId,
      projectId: scene.project_id,
      outcome: ending.outcome,
      finalScore: ending.finalScore ?? scene.quality_score ?? 0,
      costUsd: roundUsd(costUsd),
      endedAt: new Date().toISOString(),
    }),
  ]);
}

async function recordedCost(trx: Transaction<DatabaseSchema>, workflowId: string, runId: string): Promise<number> {
  const row = await trx
    .selectFrom('regeneration_attempts')
    .select(sql<number>`coalesce(sum(cost_usd), 0)::float8`.as('usd'))
    .where('workflow_id', '=', workflowId)
    .where('run_id', '=', runId)
    .executeTakeFirstOrThrow();
  return row.usd;
}
