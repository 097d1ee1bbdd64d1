import type { ReviewEntryEnding } from '../domain/regeneration';

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
