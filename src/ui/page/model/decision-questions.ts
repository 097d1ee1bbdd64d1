import type { DecisionBody } from '../api/types';
import { formatScore } from './format';
import type { Candidate, RoundView } from './round-view';

/** What the page asks a reviewer to confirm before a decision is sent. */
export interface DecisionQuestion {
  decision: DecisionBody;
  title: string;
  text: string;
  confirmLabel: string;
  danger?: boolean;
  /** Approvals may carry a note typed into the dialog itself. */
  askNote?: boolean;
}

/** How a candidate is named in a button or a question: "attempt 2", or the starting asset. */
export function candidateName(candidate: Candidate, starting = 'starting asset'): string {
  return candidate.attemptNumber === 0 ? starting : candidate.label.toLowerCase();
}

export function approveBestQuestion(roundView: RoundView, best: Candidate): DecisionQuestion {
  const why = roundView.bestWhy ? ` ${roundView.bestWhy}.` : '';
  return {
    decision: { action: 'approve' },
    title: 'Approve the best?',
    text: `The scene keeps the best asset of round ${roundView.round} (${best.label.toLowerCase()}, score ${formatScore(best.score ?? 0)}).${why}`,
    confirmLabel: 'Approve the best',
    askNote: true,
  };
}

export function approveCandidateQuestion(selected: Candidate): DecisionQuestion {
  const what = selected.attemptNumber === 0 ? `the asset the round started from (${selected.label.toLowerCase()})` : selected.label.toLowerCase();
  return {
    decision: { action: 'approve', attemptNumber: selected.attemptNumber, ...(selected.group ? { candidate: selected.group.candidate } : {}) },
    title: `Approve ${candidateName(selected, 'the starting asset')}?`,
    text: `The scene takes ${what} by ${selected.provider}, score ${formatScore(selected.score ?? 0)}.`,
    confirmLabel: `Approve ${candidateName(selected, 'it')}`,
    askNote: true,
  };
}

export function rejectQuestion(note: string): DecisionQuestion {
  return {
    decision: { action: 'reject', note },
    title: 'Reject the scene?',
    text: 'The scene keeps no generated asset and is marked rejected.',
    confirmLabel: 'Reject the scene',
    danger: true,
  };
}

export function regenerateQuestion(roundView: RoundView, request: Omit<Extract<DecisionBody, { action: 'regenerate' }>, 'action'>): DecisionQuestion {
  return {
    decision: { action: 'regenerate', ...request },
    title: 'Start another round?',
    text: `Round ${roundView.round + 1} starts from the round's best with your prompt${request.provider ? ` on ${request.provider}` : ''}. If it fails too, the scene comes back to this queue.`,
    confirmLabel: 'Start the round',
  };
}

/** An audit asks whether the passed asset is one people accept; either answer only labels it. */
export function auditQuestion(accept: boolean, score: number, note?: string): DecisionQuestion {
  return {
    decision: accept ? { action: 'approve' } : { action: 'reject', ...(note ? { note } : {}) },
    title: accept ? 'Accept the passed asset?' : 'Turn the passed asset down?',
    text: `The judge passed this asset at ${formatScore(score)}. Your verdict is recorded for calibrating the bar; the scene keeps its asset either way.`,
    confirmLabel: accept ? 'Accept' : 'Turn down',
    ...(accept ? { askNote: true } : {}),
  };
}
