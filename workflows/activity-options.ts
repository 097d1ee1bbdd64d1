import type { ActivityOptions } from '@temporalio/workflow';
import { FailureType } from '../src/domain/failures';

/**
 * Each kind of I/O gets its own timeouts and retry policy (ARCHITECTURE.md "One retry layer").
 * Types named in nonRetryableErrorTypes fail at once: retrying them pays again or cannot help.
 */

// One generation, from submission to our stored copy (activities/generation.ts). Each execution
// does one step and asks to be run again after the delay it names (a look at the task, a place
// under PROVIDER_CONCURRENCY, a provider's retry-after): Temporal's server waits out the gaps, so
// no worker slot is held and no history event is written between looks. The activity itself
// ends the waits at their deadlines (`provider_busy`, `timeout`) and bounds a provider that is
// down (5 sends) and a store that is down (2 minutes); the round sets a schedule-to-close per
// provider and kind as a backstop. Ten minutes and a one-minute heartbeat cover storing the
// largest output while its bytes stream in.
export const generateAssetOptions: ActivityOptions = {
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 1.5,
    maximumInterval: '15 seconds',
    nonRetryableErrorTypes: [
      FailureType.contentRefused,
      FailureType.generationFailed,
      FailureType.badRequest,
      FailureType.auth,
      FailureType.assetGone,
      FailureType.assetTooLarge,
      FailureType.unsafeUrl,
      FailureType.assetInvalid,
    ],
  },
};

// Telling a provider to stop a task nobody wants: best effort (it never fails on the provider's
// answer), and it reads the ledger, so a few quick tries are enough.
export const cancelGenerationOptions: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumAttempts: 3 },
};

// Up to three judgments near the bar, each one Claude request (plus one corrective retry) with
// frame extraction; a pairwise comparison is two requests. 429/529 carry their own retry delay;
// an unusable answer has already had its second chance. The activity heartbeats every 5 s with
// the judgments made so far, so a dead worker costs 30 s and no judgment is paid for twice.
export const judgeAssetOptions: ActivityOptions = {
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '30 seconds',
  retry: {
    initialInterval: '10 seconds',
    backoffCoefficient: 2,
    maximumInterval: '2 minutes',
    maximumAttempts: 4,
    nonRetryableErrorTypes: [FailureType.analysisUnusable, FailureType.auth, FailureType.badRequest, FailureType.assetGone],
  },
};

// Our own database: every write is idempotent, so retrying forever is safe, and giving up would
// lose a record. A long outage stalls the round rather than dropping it.
export const roundStepOptions: ActivityOptions = {
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
