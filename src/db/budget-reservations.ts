import { sql, type Kysely, type Transaction } from 'kysely';
import type { BudgetReservation, ReserveBudgetRequest } from '../domain/activity-types';
import { projectHoldAnswer } from '../rules/budget';
import { roundUsd } from '../catalog/cost';
import { projectSpend } from './project-spend';
import type { Resolved } from './regeneration-writes';
import type { DatabaseSchema } from './schema';

/**
 * SPEC.md "Cost and provider health": no attempt starts whose expected price would take its
 * project past its budget, however many rounds of the project run at once. The project's row is
 * locked for the decision, so one project's reservations take turns and each reads the holds the
 * others wrote; an attempt's hold counts until the attempt is recorded (its real cost counts from
 * then on) or the hold expires. A retried request finds its own hold and is granted again.
 */
export async function reserveProjectBudget(
  kysely: Kysely<DatabaseSchema>,
  request: Resolved<ReserveBudgetRequest>,
): Promise<BudgetReservation> {
  return await kysely
    .transaction()
    .setIsolationLevel('read committed')
    .execute(async (trx) => {
      await trx.selectFrom('projects').select('id').where('id', '=', request.projectId).forUpdate().execute();
      const spend = await projectSpend(trx, { projectId: request.projectId });
      if (spend.budgetUsd === undefined) return { granted: true, ...spend, heldUsd: 0 };
      await dropEndedHolds(trx, request.projectId);
      const holds = await trx
        .selectFrom('budget_reservations')
        .select(['workflow_id', 'run_id', 'round', 'attempt_number', 'amount_usd'])
        .where('project_id', '=', request.projectId)
        .execute();
      const own = (hold: (typeof holds)[number]) =>
        hold.workflow_id === request.workflowId &&
        hold.run_id === request.runId &&
        hold.round === request.round &&
        hold.attempt_number === request.attemptNumber;
      const heldUsd = roundUsd(holds.filter((hold) => !own(hold)).reduce((sum, hold) => sum + Number(hold.amount_usd), 0));
      if (holds.some(own)) return { granted: true, ...spend, heldUsd };
      const answer = projectHoldAnswer(spend, heldUsd, request.expectedUsd);
      if (!answer.granted) return answer;
      await trx
        .insertInto('budget_reservations')
        .values({
          workflow_id: request.workflowId,
          run_id: request.runId,
          round: request.round,
          attempt_number: request.attemptNumber,
          project_id: request.projectId,
          amount_usd: request.expectedUsd,
          expires_at: sql`now() + ${Math.max(0, Math.round(request.holdMs))} * interval '1 millisecond'`,
        })
        .execute();
      return answer;
    });
}

/** Holds whose attempt is recorded (its cost is spent now) or that expired no longer count. */
async function dropEndedHolds(trx: Transaction<DatabaseSchema>, projectId: number): Promise<void> {
  await trx
    .deleteFrom('budget_reservations as r')
    .where('r.project_id', '=', projectId)
    .where((eb) =>
      eb.or([
        eb('r.expires_at', '<=', sql<Date>`now()`),
        eb.exists(
          eb
            .selectFrom('regeneration_attempts as a')
            .select('a.attempt_number')
            .whereRef('a.workflow_id', '=', 'r.workflow_id')
            .whereRef('a.run_id', '=', 'r.run_id')
            .whereRef('a.round', '=', 'r.round')
            .whereRef('a.attempt_number', '=', 'r.attempt_number'),
        ),
      ]),
    )
    .execute();
}
