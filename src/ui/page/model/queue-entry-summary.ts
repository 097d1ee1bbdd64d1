import type { RegenerationAttempt, ReviewEntry } from '../api/types';
import { explainBestPick } from './best-pick-text';
import { formatScore } from './format';

/** What a queue card shows of an entry: the judge's best while it waits, what was kept once decided. */
export interface EntrySummary {
  /** Which asset the thumbnail shows: an attempt of the round, the scene's own asset, or none. */
  shown: { attempt: RegenerationAttempt } | 'scene' | 'none';
  /** The score beside the title, with what it is the score of. */
  score?: { label: 'Best' | 'Kept'; value: number };
  line: string;
}

/**
 * A plain approve keeps the best at the time of the decision (the entry's bestAttemptNumber); a
 * rejection keeps nothing. Entries not decided by a person show the judge's best and, when the
 * round recorded it, why.
 */
export function summarizeEntry(entry: ReviewEntry): EntrySummary {
  const decision = entry.status === 'decided' ? entry.decision : undefined;
  if (decision?.action === 'reject') return { shown: 'none', line: 'Rejected: no asset kept' };
  if (decision?.action === 'approve') {
    const kept = decision.attemptNumber ?? entry.bestAttemptNumber ?? 0;
    const attempt = kept === 0 ? undefined : keptOf(entry.attempts.find((a) => a.attemptNumber === kept), decision.candidate);
    if (attempt) {
      const which = decision.candidate === undefined ? '' : `, candidate ${decision.candidate}`;
      return {
        shown: { attempt },
        score: { label: 'Kept', value: attempt.scoreAfter },
        line: `Kept: attempt ${attempt.attemptNumber}${which} by ${attempt.provider} (${formatScore(attempt.scoreAfter)})`,
      };
    }
    if (kept !== 0) return { shown: 'none', line: `Kept: attempt ${kept}` };
    const startScore = startingScore(entry);
    return {
      shown: 'scene',
      score: startScore === undefined ? undefined : { label: 'Kept', value: startScore },
      line: startScore === undefined ? 'Kept: the starting asset' : `Kept: the starting asset (${formatScore(startScore)})`,
    };
  }

  const bestNumber = entry.bestPick ? entry.bestPick.attemptNumber : entry.bestAttemptNumber;
  const best = bestNumber === undefined ? undefined : entry.attempts.find((a) => a.attemptNumber === bestNumber);
  const why = entry.bestPick ? `: ${explainBestPick(entry.bestPick)}` : '';
  const score = { label: 'Best' as const, value: entry.bestScore };
  if (best) return { shown: { attempt: best }, score, line: `Best: attempt ${best.attemptNumber} by ${best.provider} (${formatScore(best.scoreAfter)})${why}` };
  if (entry.bestPick) return { shown: 'scene', score, line: `Best: the starting asset (${formatScore(entry.bestScore)})${why}` };
  return { shown: 'scene', score, line: 'No attempt beat the starting asset' };
}

/** The score the round started from: what its first attempt had to beat. */
function startingScore(entry: ReviewEntry): number | undefined {
  const first = entry.attempts.find((a) => a.attemptNumber === 1) ?? entry.attempts[0];
  if (first) return first.scoreBefore;
  return entry.bestAttemptNumber === undefined ? entry.bestScore : undefined;
}

/** The attempt as the approval kept it: one of its candidates when the approval named one. */
function keptOf(attempt: RegenerationAttempt | undefined, candidate: number | undefined): RegenerationAttempt | undefined {
  if (attempt === undefined || candidate === undefined) return attempt;
  const made = attempt.candidates?.find((c) => c.candidate === candidate);
  if (made === undefined) return undefined;
  return { ...attempt, provider: made.provider, prompt: made.prompt, scoreAfter: made.scoreAfter ?? 0, assetUrl: made.assetUrl, asset: made.asset, analysisResult: made.analysisResult };
}
