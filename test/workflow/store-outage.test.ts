import assert from 'node:assert/strict';
import { ApplicationFailure } from '@temporalio/common';
import type { StoreAssetRequest } from '../../src/domain/activity-types';
import { FailureType } from '../../src/domain/failures';
import { AssetStoreUnavailableError } from '../../src/storage/asset-store';
import { classifyFetchFailure } from '../../src/storage/classify-fetch-failure';
import { storeAssetOptions } from '../../workflows/activity-options';
import { fakeActivities } from '../helpers/fake-activities';
import { sceneInput } from '../helpers/scenes';
import { withWorker } from '../helpers/workflow-runner';
import { testEnv } from '../helpers/temporal';
import { workflowBundle } from '../helpers/workflow-bundle';

/**
 * What storeAsset throws while the object store is down: the real classification of the real
 * error, with the retry delay shortened so the policy's attempts run in milliseconds.
 */
function storeDown(request: StoreAssetRequest): ApplicationFailure {
  const outage = new AssetStoreUnavailableError(
    'The asset store s3://assets at http://object-store:7070 is unavailable (uploading a.png): connect ECONNREFUSED 10.0.0.5:7070',
  );
  const failure = classifyFetchFailure(outage, request.url) as ApplicationFailure;
  return ApplicationFailure.create({
    message: failure.message,
    type: failure.type ?? undefined,
    details: failure.details as unknown[],
    nonRetryable: failure.nonRetryable ?? undefined,
    nextRetryDelay: 10,
  });
}

describe('regenerateSceneWorkflow when the object store is down during a round', function () {
  this.timeout(120_000);

  before(async function () {
    this.timeout(240_000);
    await Promise.all([testEnv(), workflowBundle()]);
  });

  it('retries storeAsset, then records a failed attempt with the store as its reason, and the round goes on', async () => {
    const { activities, calls } = fakeActivities({ scores: [75] });
    const stores: string[] = [];
    const maximumAttempts = storeAssetOptions.retry?.maximumAttempts ?? 1;
    const store = activities.storeAsset;
    activities.storeAsset = async (request) => {
      stores.push(request.url);
      // Down for the whole first attempt's retries, back for the second attempt.
      if (stores.length <= maximumAttempts) throw storeDown(request);
      return store(request);
    };
    await withWorker(activities, async ({ start }) => {
      const result = await (await start(sceneInput())).result();
      assert.equal(result.outcome, 'passed');
      const [first, second] = result.attempts;
      assert.equal(first.result, 'failed');
      assert.equal(first.failure?.type, FailureType.unavailable);
      assert.match(first.failure?.message ?? '', /^Storing https:\/\/provider\.test\/task-0 failed: The asset store s3:\/\/assets at http:\/\/object-store:7070 is unavailable/);
      assert.equal(first.assetUrl, undefined);
      // The generation was paid for before the store failed: its cost stays on the failed attempt.
      assert.equal(first.costUsd, 0.5);
      assert.equal(second.result, 'success');
      assert.equal(stores.length, maximumAttempts + 1, 'each retry of the policy, then the second attempt');
      assert.equal(calls.recordedAttempts.length, 2);
      assert.equal(calls.recordedAttempts[0].attempt.failure?.type, FailureType.unavailable);
    });
  });
});
