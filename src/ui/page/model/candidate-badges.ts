import type { RegenerationAttempt } from '../api/types';
import { REVIEW_TIMEOUT_REVIEWER } from '../../../domain/regeneration';

/** A small label on a candidate's card; the title says what it means in a sentence. */
export interface Badge {
  /** Also the card's CSS class: tag-<kind>. */
  kind: 'best' | 'judges-best' | 'kept' | 'success' | 'improved' | 'failed';
  text: string;
  title: string;
}

/** The decision that closed the round, as far as the badges need it. */
export interface RoundDecision {
  action: 'approve' | 'reject' | 'regenerate';
  /** Who decided: a reviewer's name, or "review-timeout" for the policy acting on a timeout. */
  by: string;
}

export interface BadgeInput {
  attemptNumber: number;
  isBest: boolean;
  isKept: boolean;
  result?: RegenerationAttempt['result'];
}

export interface BadgeContext {
  runOpen: boolean;
  decision?: RoundDecision;
  /** Why the best is best, in words (describeBestPick), when the round recorded it. */
  bestWhy?: string;
}

/**
 * One set of badges that never contradict each other: "Best" while the round is open; after a
 * decision the kept asset says who kept it and, when the judge ranked another asset first, that
 * one says "Judge's best". A kept asset below the bar says so in its note rather than "failed".
 */
export function candidateBadges(candidate: BadgeInput, context: BadgeContext): { badges: Badge[]; note?: string } {
  const badges: Badge[] = [];
  const { decision } = context;
  const approvedBy = decision?.action === 'approve' ? decision.by : undefined;
  let note: string | undefined;

  if (candidate.isKept) {
    if (approvedBy !== undefined) {
      const byTimeout = approvedBy === REVIEW_TIMEOUT_REVIEWER;
      const who = byTimeout ? 'the review-timeout policy' : approvedBy;
      const alsoBest = candidate.isBest ? '; it is also the judge’s best' : '';
      note =
        candidate.result === 'success'
          ? `Approved by ${who}${alsoBest}.`
          : `Approved by ${who} although the judge scored it below the bar${alsoBest}.`;
      badges.push({ kind: 'kept', text: byTimeout ? 'Kept on timeout' : `Kept by ${approvedBy}`, title: `The scene uses this asset. ${note}` });
    } else {
      badges.push({
        kind: 'kept',
        text: 'Kept',
        title: candidate.result === 'success' ? 'The scene uses this asset: it passed the bar.' : 'The scene uses this asset.',
      });
    }
  } else if (candidate.isBest) {
    const decidedOtherwise = !context.runOpen && decision !== undefined && decision.action !== 'regenerate';
    if (decidedOtherwise) {
      const what = decision.action === 'reject' ? 'rejected the scene' : 'kept another asset';
      const who = decision.by === REVIEW_TIMEOUT_REVIEWER ? 'the review-timeout policy' : decision.by;
      badges.push({ kind: 'judges-best', text: 'Judge’s best', title: `The judge ranked it best; ${who} ${what}.` });
    } else {
      badges.push({ kind: 'best', text: 'Best', title: context.bestWhy ?? 'The best asset of this round.' });
    }
  }

  // A kept asset's note already says it is below the bar: "failed" beside "Kept" would contradict it.
  const explained = candidate.isKept && note !== undefined && candidate.result === 'failed';
  if (candidate.result && !explained) badges.push(resultBadge(candidate.result));
  return { badges, note };
}

function resultBadge(result: NonNullable<RegenerationAttempt['result']>): Badge {
  switch (result) {
    case 'success':
      return { kind: 'success', text: 'passed', title: 'The judge scored it at or above the bar.' };
    case 'improved':
      return { kind: 'improved', text: 'improved', title: 'Below the bar, but it beat the score it had to beat by the minimum gain.' };
    case 'failed':
      return { kind: 'failed', text: 'failed', title: 'Below the bar, and it did not beat the score it had to beat by the minimum gain.' };
  }
}
