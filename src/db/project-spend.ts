import type { Kysely } from 'kysely';
import type { ProjectSpend, ProjectSpendRequest } from '../domain/activity-types';
import { roundUsd } from '../catalog/cost';
import type { DatabaseSchema } from './schema';

/**
 * What a project has spent and may spend (SPEC.md "Cost and provider health"): every recorded
 * attempt's cost and every first asset's (its generation and analysis), with the project's
 * budget. A project the database does not know has spent nothing and has no budget.
 */
export async function projectSpend(kysely: Kysely<DatabaseSchema>, request: ProjectSpendRequest): Promise<ProjectSpend> {
  const { projectId } = request;
  const [attempts, firstAssets, project] = await Promise.all([
    kysely
      .selectFrom('regeneration_attempts')
      .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('cost_usd'), eb.lit(0)).as('usd'))
      .where('project_id', '=', projectId)
      .executeTakeFirstOrThrow(),
    kysely
      .selectFrom('scenes')
      .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('initial_cost_usd'), eb.lit(0)).as('usd'))
      .where('project_id', '=', projectId)
      .executeTakeFirstOrThrow(),
    kysely.selectFrom('projects').select('budget_usd').where('id', '=', projectId).executeTakeFirst(),
  ]);
  const spentUsd = roundUsd(Number(attempts.usd) + Number(firstAssets.usd));
  const budgetUsd = project?.budget_usd ?? undefined;
  return budgetUsd === undefined ? { spentUsd } : { spentUsd, budgetUsd: Number(budgetUsd) };
}
