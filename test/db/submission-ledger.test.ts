import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { Client } from 'pg';
import type { Db } from '../../src/db/database';
import type { GenerationTask } from '../../src/domain/generation';
import { createDatabaseSubmissionLedger, type IntentOutcome } from '../../src/providers/submission-ledger';
import { describeEachDatabase } from './test-databases';

const task: GenerationTask = { provider: 'kling', taskId: 'task-1', kind: 'video', durationSeconds: 5 };
const intent = { provider: 'kling', kind: 'video', durationSeconds: 5 } as const;

/** Moves the key's last send back in time, as if its sender had been gone that long. */
async function ageSend(db: Db, idempotencyKey: string, seconds: number): Promise<void> {
  await sql`update provider_submissions set sent_at = now() - make_interval(secs => ${seconds}) where idempotency_key = ${idempotencyKey}`.execute(
    db.kysely,
  );
}

describeEachDatabase('submission ledger', ({ db, dialect, databaseUrl }) => {
  it('finds nothing for a key never recorded, and the provider without a task for one whose submission has no answer yet', async () => {
    const ledger = createDatabaseSubmissionLedger(db());
    assert.equal(await ledger.find('wf/1/1'), undefined);
    assert.deepEqual(await ledger.recordIntent('wf/1/1', intent), { claimed: true });
    assert.deepEqual(await ledger.find('wf/1/1'), { provider: 'kling', failedSends: 0 });
  });

  it('returns the recorded task and how long it has run, also to another ledger on the database (another worker)', async () => {
    await createDatabaseSubmissionLedger(db()).recordIntent('wf/1/1', intent);
    await createDatabaseSubmissionLedger(db()).recordTask('wf/1/1', task);
    const found = await createDatabaseSubmissionLedger(db()).find('wf/1/1');
    assert.deepEqual(found?.task, task);
    assert.equal(found?.output, undefined);
    assert.ok(typeof found?.runningForMs === 'number' && found.runningForMs >= 0 && found.runningForMs < 60_000, String(found?.runningForMs));
    assert.equal(await createDatabaseSubmissionLedger(db()).find('wf/1/2'), undefined);
    const row = await db().kysely.selectFrom('provider_submissions').selectAll().executeTakeFirstOrThrow();
    assert.ok(row.answered_at instanceof Date && row.answered_at >= row.sent_at);
  });

  it('measures how long the task has run from its answer, by the database clock', async () => {
    const ledger = createDatabaseSubmissionLedger(db());
    await ledger.recordIntent('wf/1/1', intent);
    await ledger.recordTask('wf/1/1', task);
    await sql`update provider_submissions set answered_at = now() - interval '10 minutes'`.execute(db().kysely);
    const runningForMs = (await ledger.find('wf/1/1'))?.runningForMs ?? 0;
    assert.ok(runningForMs >= 600_000 && runningForMs < 660_000, String(runningForMs));
  });

  it('says when an earlier send under the key got no answer, each time it happens, and lets the retry send at once', async () => {
    const ledger = createDatabaseSubmissionLedger(db());
    assert.deepEqual(await ledger.recordIntent('wf/1/1', intent), { claimed: true });
    // The send timed out: the provider may have started a task.
    await ledger.recordFailedSend('wf/1/1', false);
    const second = await ledger.recordIntent('wf/1/1', intent);
    assert.ok(second.claimed, 'a send that ended is no longer in flight: its retry need not wait for it');
    assert.equal(second.unanswered?.provider, 'kling');
    assert.ok(second.unanswered?.sentAt instanceof Date);
    // The second send had no answer either.
    await ledger.recordFailedSend('wf/1/1', false);
    const third = await ledger.recordIntent('wf/1/1', intent);
    assert.ok(third.claimed && third.unanswered?.provider === 'kling', JSON.stringify(third));
    await ledger.recordTask('wf/1/1', task);
    assert.deepEqual(await ledger.recordIntent('wf/1/1', intent), { claimed: false, recorded: task });
    assert.equal((await ledger.find('wf/1/1'))?.failedSends, 2);
  });

  it('keeps a second submission from sending beside one still waiting for its answer, until that sender is presumed dead', async () => {
    const ledger = createDatabaseSubmissionLedger(db());
    assert.deepEqual(await ledger.recordIntent('wf/1/1', intent), { claimed: true });
    assert.deepEqual(await ledger.recordIntent('wf/1/1', intent), { claimed: false, inFlight: true });
    // The first sender died without a word; long after, the retry sends, knowing it may pay twice.
    await ageSend(db(), 'wf/1/1', 60);
    const retry = await ledger.recordIntent('wf/1/1', intent);
    assert.ok(retry.claimed && retry.unanswered?.provider === 'kling', JSON.stringify(retry));
  });

  it('a refusal is an answer: the next submission under the key is no possible duplicate, and the refusal is counted', async () => {
    const ledger = createDatabaseSubmissionLedger(db());
    await ledger.recordIntent('wf/1/1', intent);
    await ledger.recordFailedSend('wf/1/1', true);
    assert.deepEqual(await ledger.recordIntent('wf/1/1', intent), { claimed: true });
    assert.deepEqual(await ledger.find('wf/1/1'), { provider: 'kling', failedSends: 1 });
  });

  it('counts every failed send under the key, refused or lost; a recorded task is not touched by a late failure', async () => {
    const ledger = createDatabaseSubmissionLedger(db());
    for (const refused of [true, false, true]) {
      await ledger.recordIntent('wf/1/1', intent);
      await ledger.recordFailedSend('wf/1/1', refused);
    }
    assert.equal((await ledger.find('wf/1/1'))?.failedSends, 3);
    await ledger.recordIntent('wf/1/1', intent);
    await ledger.recordTask('wf/1/1', task);
    await ledger.recordFailedSend('wf/1/1', true);
    const found = await ledger.find('wf/1/1');
    assert.deepEqual(found?.task, task);
    assert.equal(found?.failedSends, 3);
  });

  it('a task at another provider under the same key is not reused, is no possible duplicate, and its failed sends do not count', async () => {
    const ledger = createDatabaseSubmissionLedger(db());
    await ledger.recordIntent('wf/1/1', intent);
    await ledger.recordFailedSend('wf/1/1', true);
    await ledger.recordIntent('wf/1/1', intent);
    await ledger.recordTask('wf/1/1', task);
    assert.deepEqual(await ledger.recordIntent('wf/1/1', { provider: 'runway', kind: 'video', durationSeconds: 5 }), { claimed: true });
    assert.deepEqual(await ledger.find('wf/1/1'), { provider: 'runway', failedSends: 0 });
    const runwayTask: GenerationTask = { provider: 'runway', taskId: 'rw-1', kind: 'video', durationSeconds: 5 };
    await ledger.recordTask('wf/1/1', runwayTask);
    assert.deepEqual((await ledger.find('wf/1/1'))?.task, runwayTask);
  });

  it('keeps the output of a finished task and how long ago it came; an output without a task is not recorded', async () => {
    const ledger = createDatabaseSubmissionLedger(db());
    await ledger.recordIntent('wf/1/1', intent);
    await ledger.recordOutput('wf/1/1', { outputUrl: 'https://cdn.test/early.mp4', costUsd: 1 });
    assert.deepEqual(await ledger.find('wf/1/1'), { provider: 'kling', failedSends: 0 });
    await ledger.recordTask('wf/1/1', task);
    await ledger.recordOutput('wf/1/1', { outputUrl: 'https://cdn.test/out.mp4', costUsd: 0.5 });
    const output = (await createDatabaseSubmissionLedger(db()).find('wf/1/1'))?.output;
    assert.equal(output?.outputUrl, 'https://cdn.test/out.mp4');
    assert.equal(output?.costUsd, 0.5);
    assert.ok(typeof output?.doneForMs === 'number' && output.doneForMs >= 0 && output.doneForMs < 60_000, String(output?.doneForMs));
    await sql`update provider_submissions set done_at = now() - interval '3 minutes'`.execute(db().kysely);
    const later = (await ledger.find('wf/1/1'))?.output?.doneForMs ?? 0;
    assert.ok(later >= 180_000 && later < 240_000, String(later));
  });

  it('ignores a row naming no known provider instead of trusting it', async () => {
    await sql`insert into provider_submissions (idempotency_key, provider, task_id, kind, duration_seconds, answered_at)
      values ('wf/1/1', 'sora', 't', 'video', 5, now())`.execute(db().kysely);
    assert.equal(await createDatabaseSubmissionLedger(db()).find('wf/1/1'), undefined);
  });

  it('of concurrent first submissions under one key (separate workers), exactly one claims it', async () => {
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => createDatabaseSubmissionLedger(db()).recordIntent('wf/1/1', intent)));
    assert.equal(outcomes.filter((outcome) => outcome.claimed).length, 1, JSON.stringify(outcomes));
    assert.deepEqual(
      outcomes.filter((outcome) => !outcome.claimed),
      Array.from({ length: 5 }, () => ({ claimed: false, inFlight: true })),
    );
  });

  if (dialect === 'postgres') {
    it('a first claim waits for another first claim of the key still uncommitted, then sees it: the inserted row is the lock', async () => {
      // Another worker's claim, caught between its insert and its commit. A claim by SELECT ... FOR
      // UPDATE alone would find no row here, lock nothing, and both would send.
      const other = new Client({ connectionString: databaseUrl() });
      await other.connect();
      try {
        await other.query('begin');
        await other.query(
          `insert into provider_submissions (idempotency_key, provider, kind, duration_seconds, sent_at) values ('wf/1/1', 'kling', 'video', 5, now())`,
        );
        let settled = false;
        const claim: Promise<IntentOutcome> = createDatabaseSubmissionLedger(db())
          .recordIntent('wf/1/1', intent)
          .finally(() => (settled = true));
        await sleep(300);
        assert.equal(settled, false, 'the claim went ahead beside an uncommitted claim of the same key');
        await other.query('commit');
        assert.deepEqual(await claim, { claimed: false, inFlight: true });
      } finally {
        await other.query('rollback').catch(() => undefined);
        await other.end();
      }
    });
  }
});
