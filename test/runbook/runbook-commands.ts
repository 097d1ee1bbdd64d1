/**
 * The operator runbook's commands, in one place: the README prints them (runbook-section.ts)
 * and runbook.test.ts runs them through a shell with the real `temporal` CLI, so the text a
 * person copies is the text that was tried.
 */

export interface RunbookCommand {
  /** Arguments of `temporal`, without the program name. */
  temporal: string[];
  /** A command the CLI's output is piped into, when the step needs one. */
  pipeTo?: string[];
}

/** What the README shows in place of a real round's values. */
export const EXAMPLE = {
  workflowId: 'regenerate-scene-42',
  /** Reset points of an image round of three attempts, as the filter prints them. */
  resetPoints: [30, 48, 73],
  reviewer: 'ops',
} as const;

/** Reads the reset points out of a round's history (jq runs it; see the file's comments). */
export const RESET_POINTS_FILTER = 'docs/runbook/reset-points.jq';

export const runbook = {
  awaitingReview: (): RunbookCommand => ({
    temporal: ['workflow', 'list', '--query', "RegenStatus = 'awaiting_review'"],
  }),

  roundState: (workflowId: string): RunbookCommand => ({
    temporal: ['workflow', 'query', '--workflow-id', workflowId, '--name', 'getRegenerationState'],
  }),

  approve: (workflowId: string, attemptNumber: number, reviewer: string): RunbookCommand =>
    decision(workflowId, { action: 'approve', attemptNumber, reviewer }),

  reject: (workflowId: string, reviewer: string, note: string): RunbookCommand =>
    decision(workflowId, { action: 'reject', reviewer, note }),

  result: (workflowId: string): RunbookCommand => ({
    temporal: ['workflow', 'result', '--workflow-id', workflowId],
  }),

  resetPoints: (workflowId: string): RunbookCommand => ({
    temporal: ['workflow', 'show', '--workflow-id', workflowId, '--output', 'json'],
    pipeTo: ['jq', '-r', '-f', RESET_POINTS_FILTER],
  }),

  resetAfter: (workflowId: string, eventId: number, reason: string): RunbookCommand => ({
    temporal: ['workflow', 'reset', '--workflow-id', workflowId, '--event-id', String(eventId), '--reason', reason],
  }),

  restartRound: (workflowId: string, reason: string): RunbookCommand => ({
    temporal: ['workflow', 'reset', '--workflow-id', workflowId, '--type', 'FirstWorkflowTask', '--reason', reason],
  }),

  /** Back to the last attempt's point without re-delivering the decision that followed it. */
  undoDecision: (workflowId: string, eventId: number, reason: string): RunbookCommand => ({
    temporal: [
      'workflow', 'reset', '--workflow-id', workflowId, '--event-id', String(eventId),
      '--reapply-exclude', 'Signal', '--reason', reason,
    ],
  }),

  /** The round records what it spent, closes its queue entry and restores the scene itself. */
  cancel: (workflowId: string): RunbookCommand => ({
    temporal: ['workflow', 'cancel', '--workflow-id', workflowId],
  }),

  runs: (workflowId: string): RunbookCommand => ({
    temporal: ['workflow', 'list', '--query', `WorkflowId = '${workflowId}'`],
  }),
};

function decision(workflowId: string, body: Record<string, unknown>): RunbookCommand {
  return {
    temporal: ['workflow', 'signal', '--workflow-id', workflowId, '--name', 'userDecision', '--input', JSON.stringify(body)],
  };
}

/** The command as a person types it in a POSIX shell. */
export function shellLine(command: RunbookCommand): string {
  const line = ['temporal', ...command.temporal].map(shellWord).join(' ');
  return command.pipeTo ? `${line} | ${command.pipeTo.map(shellWord).join(' ')}` : line;
}

const BARE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * Quotes one argument the way a person would write it: bare when safe, single quotes when
 * the text has none, double quotes around a query that itself holds single quotes.
 */
export function shellWord(word: string): string {
  if (BARE.test(word)) return word;
  if (!word.includes("'")) return `'${word}'`;
  if (!/["$`\\!]/.test(word)) return `"${word}"`;
  throw new Error(`The runbook has no quoting for ${word}`);
}
