import { sql, type Transaction } from 'kysely';
import type { Db } from '../db/database';
import type { DatabaseSchema } from '../db/schema';
import type { GenerationTask } from '../domain/generation';
import type { SceneKind } from '../domain/scene';
import { PROVIDER_NAMES, type ProviderName } from '../domain/provider';

/**
 * Remembers, per idempotency key (workflowId/runId/round/attempt), what a generation sent, which
 * provider task it started and what came of it, in the database every worker shares: a retried
 * generation finds its task (and, once the task is done, its output) instead of paying for a
 * second one, whichever host the retry lands on.
 *
 * Each submission is written twice: its intent before it is sent, and the provider's answer
 * (the task, or a refusal) as soon as it comes, both before the activity goes on.
 *
 * One window cannot be closed: none of these providers takes an idempotency key, so when the
 * worker dies (or the database write fails) after the provider accepted a task and before its
 * answer is written, the retry cannot know the task and submits again. The intent is what makes
 * that window visible: a retry that finds an intent with no answer knows a duplicate charge is
 * possible, and the generation logs it and counts it in `provider_possible_duplicate_charges_total`.
 * The window itself is kept to the provider's answer and one database write.
 */
export interface SubmissionLedger {
  /** What the key holds: the task it started, the task's output once done, the sends that failed. */
  find(idempotencyKey: string): Promise<LedgerEntry | undefined>;
  /**
   * Claims the key for a submission about to be sent. The claim is the row itself, inserted
   * before anything is sent, so of two first submissions under one key only one sends.
   */
  recordIntent(idempotencyKey: string, intent: SubmissionIntent): Promise<IntentOutcome>;
  /** The provider answered with a task. */
  recordTask(idempotencyKey: string, task: GenerationTask): Promise<void>;
  /**
   * The send failed: `refused` when the provider answered that it started nothing (a retry is no
   * duplicate), otherwise the answer was lost on the way and the intent stays unanswered. Either
   * way the send is over, so the next submission under the key need not wait for its answer.
   */
  recordFailedSend(idempotencyKey: string, refused: boolean): Promise<void>;
  /** The task finished: its output and what the provider bills for it. */
  recordOutput(idempotencyKey: string, output: { outputUrl: string; costUsd: number }): Promise<void>;
}

export interface LedgerEntry {
  provider: ProviderName;
  /** Absent while no task is known (not sent, refused, or its answer lost). */
  task?: GenerationTask;
  /** How long ago the task was submitted, by the database's clock. */
  runningForMs?: number;
  /** The task's output once it finished, and how long ago that was. */
  output?: { outputUrl: string; costUsd: number; doneForMs: number };
  failedSends: number;
}

export interface SubmissionIntent {
  provider: ProviderName;
  kind: SceneKind;
  durationSeconds: number;
}

export type IntentOutcome =
  /** The key is this submission's to send. `unanswered`: an earlier send under it got no answer. */
  | { claimed: true; unanswered?: UnansweredSubmission }
  /** A task for this provider is recorded already: send nothing. */
  | { claimed: false; recorded: GenerationTask }
  /** Another submission under the key was sent moments ago and its answer is still coming. */
  | { claimed: false; inFlight: true };

/** An earlier submission under the same key that may have started (and be billed for) a task. */
export interface UnansweredSubmission {
  provider: ProviderName;
  sentAt: Date;
}

/**
 * A send under way answers within the providers' request timeout (30 s, src/providers/registry.ts
 * callers); an unanswered intent younger than this whose sender has not reported its failure may
 * still be answered, and another submission waits rather than send beside it. Older, its sender
 * is presumed dead.
 */
const SEND_IN_FLIGHT_MS = 45_000;

type Row = DatabaseSchema['provider_submissions'];

export function createDatabaseSubmissionLedger(db: Db): SubmissionLedger {
  return {
    async find(idempotencyKey) {
      const row = await db.kysely
        .selectFrom('provider_submissions')
        .select(['provider', 'task_id', 'kind', 'duration_seconds', 'output_url', 'cost_usd', 'failed_sends'])
        .select(sql<number | null>`(extract(epoch from (now() - answered_at)) * 1000)::double precision`.as('running_for_ms'))
        .select(sql<number | null>`(extract(epoch from (now() - done_at)) * 1000)::double precision`.as('done_for_ms'))
        .where('idempotency_key', '=', idempotencyKey)
        .executeTakeFirst();
      if (row === undefined || !isProviderName(row.provider)) return undefined;
      const task = toTask(row);
      return {
        provider: row.provider,
        ...(task ? { task, runningForMs: Number(row.running_for_ms ?? 0) } : {}),
        ...(task && row.output_url !== null
          ? { output: { outputUrl: row.output_url, costUsd: Number(row.cost_usd ?? 0), doneForMs: Number(row.done_for_ms ?? 0) } }
          : {}),
        failedSends: row.failed_sends,
      };
    },

    async recordIntent(idempotencyKey, intent) {
      const intentColumns = {
        provider: intent.provider,
        task_id: null,
        kind: intent.kind,
        duration_seconds: intent.durationSeconds,
        answered_at: null,
        output_url: null,
        cost_usd: null,
        done_at: null,
      };
      // Read committed, whatever the server's default: the claim must see a row another claim
      // committed while this one waited on it, which a snapshot taken earlier would not.
      return db.kysely.transaction().setIsolationLevel('read committed').execute(async (trx): Promise<IntentOutcome> => {
        const claimed = await trx
          .insertInto('provider_submissions')
          .values({ idempotency_key: idempotencyKey, ...intentColumns, sent_at: now() })
          .onConflict((conflict) => conflict.column('idempotency_key').doNothing())
          .returning('idempotency_key')
          .executeTakeFirst();
        if (claimed !== undefined) return { claimed: true };
        // The row exists, so the lock holds: a concurrent claim waits here and then sees this one.
        const previous = await lockedRow(trx, idempotencyKey);
        const task = previous && toTask(previous);
        if (task && task.provider === intent.provider) return { claimed: false, recorded: task };
        if (previous && previous.answered_at === null && previous.done_at === null && Number(previous.sent_ms_ago) < SEND_IN_FLIGHT_MS) {
          return { claimed: false, inFlight: true };
        }
        // Failed sends bound how often one provider is asked for this attempt: another provider starts afresh.
        const otherProvider = previous !== undefined && previous.provider !== intent.provider;
        await trx
          .updateTable('provider_submissions')
          .set({ ...intentColumns, sent_at: now(), ...(otherProvider ? { failed_sends: 0 } : {}) })
          .where('idempotency_key', '=', idempotencyKey)
          .execute();
        if (previous && previous.answered_at === null && isProviderName(previous.provider)) {
          return { claimed: true, unanswered: { provider: previous.provider, sentAt: previous.sent_at } };
        }
        return { claimed: true };
      });
    },

    async recordTask(idempotencyKey, task) {
      const answer = {
        provider: task.provider,
        task_id: task.taskId,
        kind: task.kind,
        duration_seconds: task.durationSeconds,
      };
      // An upsert, so the answer is kept even if its intent row is somehow gone.
      await db.kysely
        .insertInto('provider_submissions')
        .values({ idempotency_key: idempotencyKey, ...answer, answered_at: now() })
        .onConflict((conflict) => conflict.column('idempotency_key').doUpdateSet({ ...answer, answered_at: now() }))
        .execute();
    },

    async recordFailedSend(idempotencyKey, refused) {
      await db.kysely
        .updateTable('provider_submissions')
        // A row without a task keeps in `done_at` when its last send ended unanswered: that send
        // is in flight no longer, and still a possible duplicate.
        .set((eb) => ({
          failed_sends: eb('failed_sends', '+', 1),
          ...(refused ? { task_id: null, answered_at: now() } : { done_at: now() }),
        }))
        .where('idempotency_key', '=', idempotencyKey)
        .where('answered_at', 'is', null)
        .execute();
    },

    async recordOutput(idempotencyKey, output) {
      await db.kysely
        .updateTable('provider_submissions')
        .set({ output_url: output.outputUrl, cost_usd: output.costUsd, done_at: now() })
        .where('idempotency_key', '=', idempotencyKey)
        .where('task_id', 'is not', null)
        .execute();
    },
  };
}

function lockedRow(trx: Transaction<DatabaseSchema>, idempotencyKey: string) {
  return trx
    .selectFrom('provider_submissions')
    .select(['provider', 'task_id', 'kind', 'duration_seconds', 'sent_at', 'answered_at', 'done_at'])
    .select(sql<number>`(extract(epoch from (now() - sent_at)) * 1000)::double precision`.as('sent_ms_ago'))
    .where('idempotency_key', '=', idempotencyKey)
    .forUpdate()
    .executeTakeFirst();
}

/** Times are the database's, like the gate's: hosts' clocks need not agree. */
const now = () => sql<Date>`now()`;

function toTask(row: Pick<Row, 'provider' | 'kind' | 'duration_seconds'> & { task_id: string | null }): GenerationTask | undefined {
  // A row naming no known provider is ignored, never trusted: the worst case is one extra
  // submission, not a wrong asset.
  if (row.task_id === null || !isProviderName(row.provider)) return undefined;
  return { provider: row.provider, taskId: row.task_id, kind: row.kind, durationSeconds: row.duration_seconds };
}

function isProviderName(name: string): name is ProviderName {
  return (PROVIDER_NAMES as readonly string[]).includes(name);
}
