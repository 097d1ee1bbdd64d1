import assert from 'node:assert/strict';
import type { Client } from '@temporalio/client';
import { userDecisionSignal } from '../../workflows/messages';
import { cancelRound } from '../../src/temporal/regeneration-round';
import { CONTINUE_AS_NEW_LIMITS } from '../../src/rules/continue-as-new';
import { regenerationWorkflowId } from '../../src/domain/workflow-ids';
import { fakeActivities } from '../helpers/fake-activities';
import { sceneInput } from '../helpers/scenes';
import { testEnv } from '../helpers/temporal';
import { workflowBundle } from '../helpers/workflow-bundle';
import { waitForStatus, withWorker } from '../helpers/workflow-runner';

describe('a round that reviewers keep sending back continues as new', function () {
  this.timeout(600_000);
  before(async function () {
    this.timeout(240_000);
    await Promise.all([testEnv(), workflowBundle()]);
  });

  it('30 reviewer rounds: bounded history per run, every attempt in the query, each decision carried out once', async () => {
    const ROUNDS = 30;
    // 45 against the original 40 never improves enough: every round escalates.
    const { activities, calls } = fakeActivities({ scores: [45] });
    await withWorker(activities, async ({ start, client }) => {
      const input = sceneInput({}, { policy: { maxAttempts: 1 } });
      const workflowId = regenerationWorkflowId(input.scene.id);
      await start(input);
      const latest = () => client.workflow.getHandle(workflowId);
      for (let round = 1; round <= ROUNDS; round++) {
        const state = await waitForStatus(latest(), 'awaiting_review', 60_000, (s) => s.round === round);
        assert.equal(state.attempts.length, round, 'the query shows every earlier round');
        assert.deepEqual(state.attempts.map((a) => a.round), Array.from({ length: round }, (_, i) => i + 1));
        const decision =
          round < ROUNDS
            ? { action: 'regenerate' as const, customPrompt: `try ${round + 1}`, reviewer: 'ana' }
            : { action: 'approve' as const, reviewer: 'ana' };
        await latest().signal(userDecisionSignal, decision);
        // A duplicate sent while the round switches runs: refused wherever it lands.
        await latest().signal(userDecisionSignal, decision);
      }
      const result = await latest().result();
      assert.equal(result.outcome, 'approved');
      assert.equal(result.attempts.length, ROUNDS);
      assert.equal(calls.submissions.length, ROUNDS, 'one round per decision, no round from a duplicate');
      assert.equal(calls.closedEntries.length, ROUNDS);
      // The reviewer's prompt reached the round after each switch.
      assert.ok(calls.submissions[ROUNDS - 1].prompt.startsWith(`try ${ROUNDS}.`), calls.submissions[ROUNDS - 1].prompt);

      const runs: { runId: string }[] = [];
      for await (const run of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) runs.push(run);
      assert.equal(runs.length, Math.ceil(ROUNDS / CONTINUE_AS_NEW_LIMITS.roundsPerRun));
      for (const { runId } of runs) {
        const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
        const events = history.events?.length ?? 0;
        assert.ok(events < CONTINUE_AS_NEW_LIMITS.historyEvents, `run ${runId}: ${events} events`);
      }
    });
  });

  it('a cancel asked while the round switches runs reaches the new run: the round ends cancelled', async () => {
    const { activities } = fakeActivities({ scores: [45] });
    await withWorker(activities, async ({ start, client }) => {
      const input = sceneInput({}, { policy: { maxAttempts: 1 } });
      const workflowId = regenerationWorkflowId(input.scene.id);
      await start(input);
      const latest = () => client.workflow.getHandle(workflowId);
      const regenerate = { action: 'regenerate' as const, reviewer: 'ana' };
      for (let round = 1; round < CONTINUE_AS_NEW_LIMITS.roundsPerRun; round++) {
        await waitForStatus(latest(), 'awaiting_review', 60_000, (s) => s.round === round);
        await latest().signal(userDecisionSignal, regenerate);
      }
      await waitForStatus(latest(), 'awaiting_review', 60_000, (s) => s.round === CONTINUE_AS_NEW_LIMITS.roundsPerRun);
      const { runId: before } = await latest().describe();
      // The next regenerate continues the round as new. It lands just after the cancel looked the
      // round up, before it is asked: the run it saw is gone by then.
      const switching = switchAfterLookUp(client, async () => {
        await latest().signal(userDecisionSignal, regenerate);
        await waitForNewRun(client, workflowId, before);
      });
      await cancelRound(switching, input.scene.id);
      const state = await waitForStatus(latest(), 'cancelled', 30_000);
      assert.equal(state.round, CONTINUE_AS_NEW_LIMITS.roundsPerRun + 1);
      assert.equal((await latest().result()).outcome, 'cancelled');
      assert.notEqual((await latest().describe()).runId, before, 'the round had switched runs');
    });
  });
});

/**
 * A client whose first look at a round (a describe) is followed, before the caller goes on, by
 * `happen`; unless the caller asked for the cancel already.
 */
function switchAfterLookUp(client: Client, happen: () => Promise<void>): Client {
  let done = false;
  const getHandle: Client['workflow']['getHandle'] = (...args) => {
    const handle = client.workflow.getHandle(...args);
    return new Proxy(handle, {
      get(target, prop, receiver) {
        if (prop === 'cancel') done = true;
        if (prop !== 'describe' || done) return Reflect.get(target, prop, receiver) as unknown;
        return async () => {
          const described = await target.describe();
          done = true;
          await happen();
          return described;
        };
      },
    });
  };
  const workflow = new Proxy(client.workflow, {
    get: (target, prop, receiver) => (prop === 'getHandle' ? getHandle : (Reflect.get(target, prop, receiver) as unknown)),
  });
  return new Proxy(client, { get: (target, prop, receiver) => (prop === 'workflow' ? workflow : (Reflect.get(target, prop, receiver) as unknown)) });
}

async function waitForNewRun(client: Client, workflowId: string, oldRunId: string): Promise<void> {
  for (let tries = 0; tries < 200; tries++) {
    const { runId, status } = await client.workflow.getHandle(workflowId).describe();
    if (runId !== oldRunId && status.name === 'RUNNING') return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the round did not continue as new');
}
