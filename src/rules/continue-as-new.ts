/**
 * When a round that reviewers keep sending back continues as new. Checked only between reviewer
 * rounds: there no decision can be pending (a decision is accepted only while awaiting review)
 * and no queue entry is open, so nothing but the round's own record needs carrying.
 */
export const CONTINUE_AS_NEW_LIMITS = {
  /** Reviewer rounds one run holds; a round of three attempts adds about 100 events. */
  roundsPerRun: 5,
  /** A run past this many events switches at the next round boundary, whatever its rounds. */
  historyEvents: 2_000,
} as const;

export function shouldContinueAsNew(
  run: { roundsInRun: number; historyLength: number; suggestedByServer: boolean },
  limits: { roundsPerRun: number; historyEvents: number } = CONTINUE_AS_NEW_LIMITS,
): boolean {
  return run.suggestedByServer || run.roundsInRun >= limits.roundsPerRun || run.historyLength >= limits.historyEvents;
}
