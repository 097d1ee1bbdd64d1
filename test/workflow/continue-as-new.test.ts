import assert from 'node:assert/strict';
import { userDecisionSignal } from '../../workflows/messages';
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
});
