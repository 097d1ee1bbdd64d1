import type { WorkflowHandle } from '@temporalio/client';
import type { Db } from '../../src/db/database';
import type { RegenerationResult } from '../../src/domain/regeneration';
import type { SimCalls } from '../../src/sim/server';
import { historyEvents, workflowTaskFailures } from './history';
import type { ScriptedRound } from './scripted-rounds';

const COMBINED_ESTIMATE_POINTS = 1;

export interface RoundCheck {
  /** What did not go as planned, one sentence each; empty when the round ended as planned. */
  problems: string[];
  /** Attempts whose provider saw more than one submission. */
  duplicates: { attemptNumber: number; submissions: number }[];
}

/**
 * Compares a finished round with its plan, from every side that could disagree: the result,
 * the simulator's submission counts, the database rows and the workflow's history.
 */
export async function checkRound(
  round: ScriptedRound,
  result: RegenerationResult,
  context: { calls: SimCalls; db: Db; handle: WorkflowHandle },
): Promise<RoundCheck> {
  const problems: string[] = [];
  const expect = (what: string, actual: unknown, expected: unknown): void => {
    if (JSON.stringify(actual) !== JSON.stringify(expected)) {
      problems.push(`${what}: got ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
    }
  };
  const { expected } = round;
  expect('outcome', result.outcome, expected.outcome);
  expect('attempt results', result.attempts.map((a) => a.result), expected.results);
  expect('attempt providers', result.attempts.map((a) => a.provider), expected.providers);
  // Once the content type has a history of judgments, the recorded score is the judgments combined
  // with it (src/rules/judging.ts), which draws a scripted score a little toward the content
  // type's mean: within this many points for the scripted rounds' well-separated scores.
  if (Math.abs(result.finalScore - expected.finalScore) > COMBINED_ESTIMATE_POINTS) {
    problems.push(`final score: got ${result.finalScore}, expected ${expected.finalScore} (± ${COMBINED_ESTIMATE_POINTS})`);
  }
  expect('escalated', result.escalatedToUser, expected.escalated);

  const duplicates: RoundCheck['duplicates'] = [];
  round.attemptMatches.forEach((match, index) => {
    const submissions = context.calls.rules[match]?.generations ?? 0;
    if (submissions > 1) duplicates.push({ attemptNumber: index + 1, submissions });
    else expect(`provider submissions of attempt ${index + 1}`, submissions, 1);
  });

  const rows = await context.db.kysely
    .selectFrom('regeneration_attempts')
    .select(['run_id', 'round', 'attempt_number', 'result'])
    .where('workflow_id', '=', round.workflowId)
    .orderBy('attempt_number')
    .execute();
  expect(
    'attempt rows',
    rows.map((row) => [row.round, row.attempt_number, row.result]),
    expected.results.map((r, index) => [1, index + 1, r]),
  );
  expect('runs with attempt rows', new Set(rows.map((row) => row.run_id)).size, 1);

  const entries = await context.db.kysely
    .selectFrom('review_queue')
    .select(['status', 'decided_by'])
    .where('workflow_id', '=', round.workflowId)
    // A passed round may also be sampled for an audit (policy.auditRate): that entry blocks nothing.
    .where('reason', '!=', 'audit')
    .execute();
  expect(
    'review queue rows',
    entries.map((entry) => [entry.status, entry.decided_by]),
    round.decision ? [['decided', round.decision.reviewer]] : [],
  );

  const failures = workflowTaskFailures(await historyEvents(context.handle));
  expect('failed workflow tasks', failures, []);
  return { problems, duplicates };
}
