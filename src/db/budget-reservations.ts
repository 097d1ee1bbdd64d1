import { sql, type Kysely } from 'kysely';
import type { BudgetReservation, ReserveBudgetRequest } from '../domain/round-steps';
import { projectHoldAnswer } from '../rules/budget';
import { roundUsd } from '../catalog/cost';
import type { DatabaseSchema } from './schema';

/**
 * SPEC.md "Cost and provider health": no attempt starts whose expected price would take its
 * project past its budget, however many rounds of the project run at once. The project's row is
 * locked for the decision, so one project's reservations take turns and each reads the holds the
 * others wrote. An attempt's hold counts until its attempt is recorded, which deletes the hold in
 * the same transaction that adds its cost (src/db/regeneration-writes.ts recordAttempt), or until
 * the hold expires. What was spent and what is held are read in one statement, one snapshot, so
 * an attempt recorded meanwhile is counted once: as spent or as held. A retried request finds its
 * own hold and is granted again.
 */
export async function reserveProjectBudget(
  kysely: Kysely<DatabaseSchema>,
  request: ReserveBudgetRequest,
): Promise<BudgetReservation> {
  return await kysely
    .transaction()
    .setIsolationLevel('read committed')
    .execute(async (trx) => {
      const project = await trx.selectFrom('projects').select('budget_usd').where('id', '=', request.projectId).forUpdate().executeTakeFirst();
      await trx.deleteFrom('budget_reservations').where('project_id', '=', request.projectId).where('expires_at', '<=', sql<Date>`now()`).execute();
      const { rows } = await sql<{ spent: number | string; held: number | string; own: boolean }>`
        select
          (select coalesce(sum(cost_usd), 0) from regeneration_attempts where project_id = ${request.projectId})
            + (select coalesce(sum(initial_cost_usd), 0) from scenes where project_id = ${request.projectId}) as spent,
          (select coalesce(sum(amount_usd), 0) from budget_reservations
            where project_id = ${request.projectId}
              and not (workflow_id = ${request.workflowId} and round = ${request.round} and attempt_number = ${request.attemptNumber})) as held,
          exists (select 1 from budget_reservations
            where workflow_id = ${request.workflowId} and round = ${request.round} and attempt_number = ${request.attemptNumber}) as own
      `.execute(trx);
      const row = rows[0]!;
      const budgetUsd = project?.budget_usd ?? undefined;
      const spend = budgetUsd === undefined || budgetUsd === null ? { spentUsd: roundUsd(Number(row.spent)) } : { spentUsd: roundUsd(Number(row.spent)), budgetUsd: Number(budgetUsd) };
      const heldUsd = roundUsd(Number(row.held));
      if (spend.budgetUsd === undefined || row.own) return { granted: true, ...spend, heldUsd };
      const answer = projectHoldAnswer(spend, heldUsd, request.expectedUsd);
      if (!answer.granted) return answer;
      await trx
        .insertInto('budget_reservations')
        .values({
          workflow_id: request.workflowId,
          round: request.round,
          attempt_number: request.attemptNumber,
          project_id: request.projectId,
          amount_usd: request.expectedUsd,
          expires_at: sql`now() + ${Math.max(0, Math.round(request.holdMs))} * interval '1 millisecond'`,
        })
        .onConflict((conflict) => conflict.columns(['workflow_id', 'round', 'attempt_number']).doNothing())
        .execute();
      return answer;
    });
}
