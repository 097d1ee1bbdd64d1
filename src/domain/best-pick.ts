/** Why an asset is the round's best (SPEC.md "Judging and choosing"). */
export type BestPickReason =
  | 'only_candidate' // nothing else judged to compare with
  | 'highest_score' // the top score, more than the uncertainty band above the runner-up
  | 'pairwise' // top two within the band; Claude preferred this one in both orders
  | 'pairwise_split'; // top two within the band; the two orders disagreed (or tied): the higher score stands

export interface BestPick {
  /** undefined = the asset the round started from */
  attemptNumber?: number;
  score: number;
  reason: BestPickReason;
  /** the asset it was compared with / beat */
  runnerUp?: { attemptNumber?: number; score: number };
}

/** One pairwise answer: which of the two shown assets Claude preferred, in the order shown. */
export type PairwiseAnswer = 'first' | 'second' | 'tie';

export const PAIRWISE_ANSWERS = ['first', 'second', 'tie'] as const satisfies readonly PairwiseAnswer[];
