import assert from 'node:assert/strict';
import type { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../../src/domain/failures';
import { AssetStoreUnavailableError } from '../../src/storage/asset-store';
import { classifyFetchFailure } from '../../src/storage/classify-fetch-failure';
import { fakeActivities } from '../helpers/fake-activities';
import { sceneInput } from '../helpers/scenes';
import { withWorker } from '../helpers/workflow-runner';
import { testEnv } from '../helpers/temporal';
import { workflowBundle } from '../helpers/workflow-bundle';

/** What storing an output throws while the object store is down: the real classification of the real error. */
function storeDown(): ApplicationFailure {
  const outage = new AssetStoreUnavailableError(
    'The asset store s3://assets at http://object-store:7070 is unavailable (uploading a.png): connect ECONNREFUSED 10.0.0.5:7070',
  );
  return classifyFetchFailure(outage, 'https://provider.test/task-0') as ApplicationFailure;
}

describe('regenerateSceneWorkflow when the object store is down during a round', function () {
  this.timeout(120_000);

  before(async function () {
    this.timeout(240_000);
    await Promise.all([testEnv(), workflowBundle()]);
  });

  it('records a failed attempt at the store step, with the store as its reason and the generation paid, and the round goes on', async () => {
    // The generation gives up storing after its retry window (activities/generation.ts STORE_RETRY_WINDOW_MS).
    const { activities, calls } = fakeActivities({ scores: [75], storeFailures: { 0: storeDown } });
    await withWorker(activities, async ({ start }) => {
      const result = await (await start(sceneInput())).result();
      assert.equal(result.outcome, 'passed');
      const [first, second] = result.attempts;
      assert.equal(first.result, 'failed');
      assert.equal(first.failure?.type, FailureType.unavailable);
      assert.match(first.failure?.message ?? '', /^Storing https:\/\/provider\.test\/task-0 failed: The asset store s3:\/\/assets at http:\/\/object-store:7070 is unavailable/);
      assert.equal(first.failedStep, 'store');
      assert.equal(first.assetUrl, undefined);
      // The generation was paid for before the store failed: its cost stays on the failed attempt.
      assert.equal(first.costUsd, 0.5);
      assert.equal(first.providerTaskId, 'task-0');
      assert.equal(second.result, 'success');
      assert.equal(calls.recordedAttempts.length, 2);
      // Our store being down says nothing against the provider, which delivered.
      assert.equal(calls.providerOutcomes[0].outcome, 'success');
    });
  });
});
