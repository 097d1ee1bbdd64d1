import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import type { RegenerationResult } from '../../src/domain/regeneration';
import type { Stack } from '../../src/stack/start-stack';
import { regenerateSceneWorkflow } from '../../workflows';
import { checkRound } from './check-round';
import { startReviewDecider } from './review-decider';
import { ROUND_PLANS, scriptedRound, type ScriptedRound } from './scripted-rounds';
import { seededRandom } from './seeded-random';
import { watchedResult } from './watched-result';

/**
 * Scripted rounds (every plan in turn, a third of them video, 1–4 s of provider latency) started
 * on a stack whose Temporal server the test then takes away and brings back: the dev-server
 * restart and the production server's SIGKILL share them.
 */
export interface RoundsInFlight {
  rounds: ScriptedRound[];
  workflowIds: string[];
  /** Attempts recorded so far: the test stops the server once the rounds are well under way. */
  attemptsRecorded(): Promise<number>;
  /** Waits for every round (asking again while the server is away), then checks each against its plan. */
  problemsWhenDone(): Promise<string[]>;
}

export async function startRoundsInFlight(stack: Stack, options: { count: number; seed: number; tagPrefix: string }): Promise<RoundsInFlight> {
  const random = seededRandom(options.seed);
  const runTag = randomUUID().slice(0, 8);
  const rounds = Array.from({ length: options.count }, (_, index) =>
    scriptedRound(ROUND_PLANS[index % ROUND_PLANS.length], {
      tag: `${options.tagPrefix}${index}-${runTag}`,
      video: random() < 0.3,
      latencyMs: 1_000 + Math.floor(random() * 3_000),
    }),
  );
  const simulator = stack.simulator!;
  simulator.setScenarios(rounds.flatMap((round) => round.rules));
  const handles = await Promise.all(
    rounds.map((round) =>
      stack.client.workflow.start(regenerateSceneWorkflow, {
        taskQueue: stack.config.temporal.taskQueue,
        workflowId: round.workflowId,
        args: [round.input],
      }),
    ),
  );
  const decider = startReviewDecider(stack.client, stack.db, rounds);
  const results = handles.map((handle) => watchedResult(handle, () => resultAcrossOutage(handle)));
  const workflowIds = rounds.map((round) => round.workflowId);

  return {
    rounds,
    workflowIds,
    attemptsRecorded: () => countAttemptRows(stack, workflowIds),
    async problemsWhenDone() {
      let finished: RegenerationResult[];
      try {
        finished = await Promise.all(results);
      } finally {
        await decider.stop();
      }
      const calls = simulator.calls();
      const problems: string[] = [];
      for (const [index, round] of rounds.entries()) {
        const check = await checkRound(round, finished[index], { calls, db: stack.db, handle: handles[index] });
        problems.push(...check.problems.map((problem) => `${round.workflowId} (${round.plan}): ${problem}`));
        // No worker died, so the ledger finds every retried submission: none may repeat.
        for (const duplicate of check.duplicates) {
          problems.push(`${round.workflowId} attempt ${duplicate.attemptNumber}: ${duplicate.submissions} submissions`);
        }
      }
      return problems;
    },
  };
}

/**
 * The round's result, asking again while the server is away: a client call that fails because
 * nobody answers says nothing about the round.
 */
async function resultAcrossOutage(handle: WorkflowHandle<typeof regenerateSceneWorkflow>): Promise<RegenerationResult> {
  for (;;) {
    try {
      return await handle.result();
    } catch (error) {
      if (error instanceof WorkflowFailedError) throw error;
      await sleep(1_000);
    }
  }
}

async function countAttemptRows(stack: Stack, workflowIds: string[]): Promise<number> {
  const row = await stack.db.kysely
    .selectFrom('regeneration_attempts')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('workflow_id', 'in', workflowIds)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}
