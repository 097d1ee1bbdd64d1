import type { ReviewEntryEnding } from '../domain/regeneration';
import type { SceneStatus } from '../domain/scene';

/** SPEC.md "How a round ends": the queue entry's status for each way a review wait can end. */
export type WaitEnding = 'decided' | 'timed_out_without_action' | 'cancelled' | 'run_gone';

export function entryStatusFor(ending: WaitEnding): ReviewEntryEnding {
  switch (ending) {
    case 'decided':
      return 'decided';
    case 'timed_out_without_action':
      return 'expired';
    case 'cancelled':
      return 'cancelled';
    case 'run_gone':
      return 'superseded';
  }
}

/** What the reconciler does with a pending entry, from what Temporal says of the runs. */
export type EntryVerdict = 'keep' | 'move_to_latest_run' | 'supersede';

export function reconcileVerdict(facts: {
  /** The entry's own run is still running. */
  entryRunRunning: boolean;
  /** The workflow id's latest run is running and waits on this very entry (reset inside the wait, continue-as-new). */
  latestRunWaitsOnEntry: boolean;
}): EntryVerdict {
  if (facts.entryRunRunning) return 'keep';
  if (facts.latestRunWaitsOnEntry) return 'move_to_latest_run';
  return 'supersede';
}

/** What the reconciler does for a run waiting for review whose entry is not its own. */
export type WaitingRunVerdict = 'keep' | 'open_entry';

export function waitingRunVerdict(facts: {
  /** The entry the run waits on (the id its escalation returned) is still pending. */
  entryPending: boolean;
  /** That entry was written by this very run. */
  entryOfThisRun: boolean;
}): WaitingRunVerdict {
  // A pending entry is the pending pass's to move; a closed entry of this run is its own ending,
  // written just before the run leaves the wait. Only a run that waits on an entry another run
  // closed (a reset to the review wait, signals left out: a decision taken back) needs an entry.
  if (facts.entryPending || facts.entryOfThisRun) return 'keep';
  return 'open_entry';
}

/**
 * SPEC.md "How a round ends", terminated by an operator or failed: the run is gone without its
 * ending, so the scene gets back its status from before the round, flagged for review if the
 * round was waiting for one (or the scene was flagged before it). Undefined when no round has
 * the scene: an ending was written after all.
 */
export function sceneAfterRunGone(scene: {
  status: SceneStatus;
  statusBeforeRound: SceneStatus | null;
  analyzed: boolean;
}): { status: SceneStatus; needsUserReview: boolean } | undefined {
  if (scene.status !== 'regenerating' && scene.status !== 'awaiting_review') return undefined;
  const status = scene.statusBeforeRound ?? (scene.analyzed ? 'analyzed' : 'new');
  return { status, needsUserReview: scene.status === 'awaiting_review' || status === 'review_timed_out' };
}
