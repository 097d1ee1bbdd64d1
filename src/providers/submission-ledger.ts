import { sql } from 'kysely';
import type { Db } from '../db/database';
import type { GenerationTask } from '../domain/activity-types';
import type { SceneKind } from '../domain/scene';
import { PROVIDER_NAMES, type ProviderName } from '../domain/provider';

/**
 * Remembers, per idempotency key (workflowId/round/attempt), what submitGeneration sent and which
 * provider task it started, in the database every worker shares: a retried submit returns that
 * task instead of paying for a second one, whichever host the retry lands on.
 *
 * Each submission is written twice: its intent before it is sent, and the provider's answer
 * (the task, or a refusal) as soon as it comes, both before the activity returns and so before
 * the workflow can move on.
 *
 * One window cannot be closed: none of these providers takes an idempotency key, so when the
 * worker dies (or the call times out, or the database write fails) after the provider accepted
 * a task and before its answer is written, the retry cannot know the task and submits again.
 * The intent is what makes that window visible: a retry that finds an intent with no answer
 * knows a duplicate charge is possible, and submitGeneration logs it and counts it in
 * `provider_possible_duplicate_charges_total`. The window itself is kept to the provider's answer
 * and one database write.
 */
export interface SubmissionLedger {
  /** The task a submission under this key started, once the provider's answer was recorded. */
  find(idempotencyKey: string): Promise<GenerationTask | undefined>;
  /**
   * Records that a submission is about to be sent, replacing what the key held. Says whether an
   * earlier submission under the key was sent with no answer recorded (a possible duplicate), or,
   * should another submission for the same provider have recorded its task since `find`, that task
   * (then nothing is recorded and nothing must be sent).
   */
  recordIntent(idempotencyKey: string, intent: SubmissionIntent): Promise<IntentOutcome>;
  /** The provider answered with a task. */
  recordTask(idempotencyKey: string, task: GenerationTask): Promise<void>;
  /** The provider answered with a refusal: nothing was started, so a retry is no duplicate. */
  recordRefusal(idempotencyKey: string): Promise<void>;
}

export interface SubmissionIntent {
  provider: ProviderName;
  kind: SceneKind;
  durationSeconds: number;
}

export interface IntentOutcome {
  /** Set when a task for this provider was already recorded: nothing was written, send nothing. */
  recorded?: GenerationTask;
  /** Set when the submission before this one was sent and never answered. */
  unanswered?: UnansweredSubmission;
}

/** An earlier submission under the same key that may have started (and be billed for) a task. */
export interface UnansweredSubmission {
  provider: ProviderName;
  sentAt: Date;
}

interface SubmissionRow {
  provider: string;
  task_id: string | null;
  kind: SceneKind;
  duration_seconds: number;
}

export function createDatabaseSubmissionLedger(db: Db): SubmissionLedger {
  return {
    async find(idempotencyKey) {
      const row = await db.kysely
        .selectFrom('provider_submissions')
        .select(['provider', 'task_id', 'kind', 'duration_seconds'])
        .where('idempotency_key', '=', idempotencyKey)
        .executeTakeFirst();
      return row && toTask(row);
    },

    async recordIntent(idempotencyKey, intent) {
      return db.kysely.transaction().execute(async (trx): Promise<IntentOutcome> => {
        // Locked, so two submissions under one key (a timed-out attempt still running beside its
        // retry) each see the other's intent rather than both missing it.
        const previous = await trx
          .selectFrom('provider_submissions')
          .select(['provider', 'task_id', 'kind', 'duration_seconds', 'sent_at', 'answered_at'])
          .where('idempotency_key', '=', idempotencyKey)
          .forUpdate()
          .executeTakeFirst();
        const task = previous && toTask(previous);
        if (task && task.provider === intent.provider) return { recorded: task };
        const intentColumns = {
          provider: intent.provider,
          task_id: null,
          kind: intent.kind,
          duration_seconds: intent.durationSeconds,
          answered_at: null,
        };
        await trx
          .insertInto('provider_submissions')
          .values({ idempotency_key: idempotencyKey, ...intentColumns, sent_at: now() })
          .onConflict((conflict) => conflict.column('idempotency_key').doUpdateSet({ ...intentColumns, sent_at: now() }))
          .execute();
        if (previous && previous.answered_at === null && isProviderName(previous.provider)) {
          return { unanswered: { provider: previous.provider, sentAt: previous.sent_at } };
        }
        return {};
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

    async recordRefusal(idempotencyKey) {
      await db.kysely
        .updateTable('provider_submissions')
        .set({ task_id: null, answered_at: now() })
        .where('idempotency_key', '=', idempotencyKey)
        .where('answered_at', 'is', null)
        .execute();
    },
  };
}

/** Times are the database's, like the gate's: hosts' clocks need not agree. */
const now = () => sql<Date>`now()`;

function toTask(row: SubmissionRow): GenerationTask | undefined {
  // A row naming no known provider is ignored, never trusted: the worst case is one extra
  // submission, not a wrong asset.
  if (row.task_id === null || !isProviderName(row.provider)) return undefined;
  return { provider: row.provider, taskId: row.task_id, kind: row.kind, durationSeconds: row.duration_seconds };
}

function isProviderName(name: string): name is ProviderName {
  return (PROVIDER_NAMES as readonly string[]).includes(name);
}
