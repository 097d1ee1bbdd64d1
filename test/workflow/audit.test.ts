import assert from 'node:assert/strict';
import { fakeActivities } from '../helpers/fake-activities';
import { sceneInput } from '../helpers/scenes';
import { testEnv } from '../helpers/temporal';
import { workflowBundle } from '../helpers/workflow-bundle';
import { withWorker } from '../helpers/workflow-runner';

describe('regenerateSceneWorkflow: audits of passed scenes', function () {
  this.timeout(120_000);

  before(async function () {
    this.timeout(240_000);
    await Promise.all([testEnv(), workflowBundle()]);
  });

  /** A round whose attempt 1 is judged 64 (improved) and attempt 2 passes at 81. */
  async function passingRound(auditRate: number) {
    const fake = fakeActivities({ scores: [64, 81] });
    const input = sceneInput({}, { policy: { auditRate } });
    const result = await withWorker(fake.activities, async ({ start }) => (await start(input)).result());
    return { result, calls: fake.calls, input };
  }

  it('a sampled pass also asks people for an audit, in the ending’s own step, and still ends passed', async () => {
    const { result, calls, input } = await passingRound(1);
    assert.equal(result.outcome, 'passed');
    assert.equal(result.escalatedToUser, false);
    assert.equal(calls.escalations.length, 0);
    assert.equal(calls.audits.length, 1);
    const [audit] = calls.audits;
    assert.deepEqual([audit!.workflowId, audit!.round, audit!.sceneId, audit!.sceneIndex], [`regenerate-scene-${input.scene.id}`, 1, input.scene.id, 2]);
    assert.deepEqual([audit!.bestScore, audit!.bestAttemptNumber, audit!.bestPick?.attemptNumber], [81, 2, 2]);
    assert.deepEqual(audit!.attempts.map((a) => a.scoreAfter), [64, 81]);
    // The scene ended passed with the attempt's asset, as without an audit.
    assert.deepEqual(calls.outcomes.map((o) => o.outcome), ['passed']);
  });

  it('an auditRate of 0 asks for none', async () => {
    const { result, calls } = await passingRound(0);
    assert.equal(result.outcome, 'passed');
    assert.equal(calls.audits.length, 0);
  });
});
