import assert from 'node:assert/strict';
import { DEFAULT_BRAND_FIXES } from '../../src/rules/fix-phrases';
import { promptLimit } from '../../src/catalog/prompt-limit';
import { userDecisionSignal } from '../../workflows/messages';
import { fakeActivities } from '../helpers/fake-activities';
import { sceneInput } from '../helpers/scenes';
import { testEnv } from '../helpers/temporal';
import { waitForStatus, waitUntil, withWorker } from '../helpers/workflow-runner';
import { workflowBundle } from '../helpers/workflow-bundle';

describe('regenerateSceneWorkflow: a prompt over the provider limit', function () {
  this.timeout(120_000);

  before(async function () {
    this.timeout(240_000);
    await Promise.all([testEnv(), workflowBundle()]);
  });

  it('sends the cut prompt, records exactly what was sent, and keeps the Avoid list at its end', async () => {
    const visualDirection = Array.from({ length: 600 }, (_, i) => `detail${i}`).join(' ');
    const { activities, calls } = fakeActivities({ scores: [45, 48, 50] });
    await withWorker(activities, async ({ start }) => {
      const handle = await start(sceneInput({ visualDirection, currentProvider: 'kling' }));
      await waitForStatus(handle, 'awaiting_review');
      await waitUntil(() => calls.recordedAttempts.length === 3);
      for (const [i, submission] of calls.submissions.entries()) {
        const recorded = calls.recordedAttempts[i].attempt;
        assert.equal(recorded.prompt, submission.prompt);
        assert.ok(submission.prompt.length <= promptLimit(submission.provider, submission.kind));
        assert.ok(submission.prompt.endsWith(`. Avoid: ${DEFAULT_BRAND_FIXES.avoid}`));
        assert.ok(submission.prompt.startsWith('detail0 detail1 '));
      }
      // kling, then runway (1,000 characters), then hailuo: each attempt is cut to its own provider.
      assert.deepEqual(calls.submissions.map((s) => s.provider), ['kling', 'runway', 'hailuo']);
      await handle.signal(userDecisionSignal, { action: 'reject', reviewer: 'ana' });
      await handle.result();
    });
  });
});
