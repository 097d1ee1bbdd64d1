import type { ActivityOptions } from '@temporalio/workflow';
import { FailureType } from '../src/domain/failures';

/**
 * Each kind of I/O gets its own timeouts and retry policy (ARCHITECTURE.md "One retry layer").
 * Types named in nonRetryableErrorTypes fail at once: retrying them pays again or cannot help.
 */

// Submitting is one short HTTP call. A few spaced retries ride out rate limits and brief outages;
// a refusal or a bad request is final, and so is a missing key.
export const submitGenerationOptions: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  retry: {
    initialInterval: '5 seconds',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 5,
    nonRetryableErrorTypes: [FailureType.contentRefused, FailureType.badRequest, FailureType.auth],
  },
};

// One look at a provider's task, a short HTTP call. While the task runs the look fails
// "not ready" and the retry policy is the poll schedule: Temporal's server waits out each gap,
// so a worker holds no slot and the history gains no event between looks. The workflow sets the
// gaps per kind and the deadline (scheduleToCloseTimeout) per provider and kind at the call
// (rules/generation-wait.ts); polling is free, so a flaky provider is looked at again until then.
export const checkGenerationOptions: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 1.5,
    maximumInterval: '10 seconds',
    nonRetryableErrorTypes: [
      FailureType.contentRefused,
      FailureType.generationFailed,
      FailureType.badRequest,
      FailureType.auth,
    ],
  },
};

// Telling a provider to stop a task nobody wants: best effort (the activity never fails on the
// provider's answer), so a few quick tries are enough.
export const cancelGenerationOptions: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumAttempts: 3 },
};

// Rounds started before checkGeneration wait inside one activity instead.
// Video providers take minutes (PiAPI's own tools wait up to 15). The activity polls at most
// every 10 s and heartbeats on each poll, so a dead worker is noticed within 30 s and the retry
// resumes the same provider task instead of paying for a new one.
export const awaitGenerationOptions: ActivityOptions = {
  startToCloseTimeout: '20 minutes',
  heartbeatTimeout: '30 seconds',
  retry: {
    initialInterval: '5 seconds',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 5,
    nonRetryableErrorTypes: [
      FailureType.contentRefused,
      FailureType.generationFailed,
      FailureType.badRequest,
      FailureType.auth,
    ],
  },
};

// A download of up to 512 MB: long enough for a slow link, heartbeats carry progress. An expired
// or unsafe URL, or an oversized file, will not get better on retry.
export const storeAssetOptions: ActivityOptions = {
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
    maximumAttempts: 5,
    nonRetryableErrorTypes: [
      FailureType.assetGone,
      FailureType.assetTooLarge,
      FailureType.unsafeUrl,
      FailureType.assetInvalid,
    ],
  },
};

// One Claude request (plus one corrective retry inside the activity) with frame extraction; a
// pairwise comparison (compareAssets) is two requests of at most 2 minutes each, within the same 5.
// 429/529 carry their own retry delay; an unusable answer has already had its second chance.
// The activity heartbeats every 5 s while it works, so a dead worker costs 30 s, not 5 minutes.
export const analyzeAssetOptions: ActivityOptions = {
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '30 seconds',
  retry: {
    initialInterval: '10 seconds',
    backoffCoefficient: 2,
    maximumInterval: '2 minutes',
    maximumAttempts: 4,
    nonRetryableErrorTypes: [FailureType.analysisUnusable, FailureType.auth, FailureType.badRequest],
  },
};

// Our own database: every write is idempotent, so retrying forever is safe, and giving up would
// lose a record. A long outage stalls the round rather than dropping it.
export const databaseOptions: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
  },
};

// A question to Temporal about another workflow: as cheap and as safe to retry as a read.
export const roundQueryOptions: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
  },
};
