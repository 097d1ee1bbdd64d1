import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { GenerationTask } from '../../src/domain/activity-types';
import { createDatabaseSubmissionLedger } from '../../src/providers/submission-ledger';
import { describeEachDatabase } from './test-databases';

const task: GenerationTask = { provider: 'kling', taskId: 'task-1', kind: 'video', durationSeconds: 5 };
const intent = { provider: 'kling', kind: 'video', durationSeconds: 5 } as const;

describeEachDatabase('submission ledger', ({ db }) => {
  it('finds nothing for a key never recorded, nor for one whose submission has no answer yet', async () => {
    const ledger = createDatabaseSubmissionLedger(db());
    assert.equal(await ledger.find('wf/1/1'), undefined);
    assert.deepEqual(await ledger.recordIntent('wf/1/1', intent), {});
    assert.equal(await ledger.find('wf/1/1'), undefined);
  });

  it('returns the recorded task, also to another ledger on the database (another worker)', async () => {
    await createDatabaseSubmissionLedger(db()).recordIntent('wf/1/1', intent);
    await createDatabaseSubmissionLedger(db()).recordTask('wf/1/1', task);
    assert.deepEqual(await createDatabaseSubmissionLedger(db()).find('wf/1/1'), task);
    assert.equal(await createDatabaseSubmissionLedger(db()).find('wf/1/2'), undefined);
    const row = await db().kysely.selectFrom('provider_submissions').selectAll().executeTakeFirstOrThrow();
    assert.ok(row.answered_at instanceof Date && row.answered_at >= row.sent_at);
  });

  it('says when an earlier submission under the key was sent and never answered, each time it happens', async () => {
    const ledger = createDatabaseSubmissionLedger(db());
    assert.deepEqual(await ledger.recordIntent('wf/1/1', intent), {});
    const second = await ledger.recordIntent('wf/1/1', intent);
    assert.equal(second.unanswered?.provider, 'kling');
    assert.ok(second.unanswered?.sentAt instanceof Date);
    // The second send had no answer either.
    assert.equal((await ledger.recordIntent('wf/1/1', intent)).unanswered?.provider, 'kling');
    await ledger.recordTask('wf/1/1', task);
    assert.deepEqual(await ledger.recordIntent('wf/1/1', intent), { recorded: task });
  });

  it('a refusal is an answer: the next submission under the key is no possible duplicate', async () => {
    const ledger = createDatabaseSubmissionLedger(db());
    await ledger.recordIntent('wf/1/1', intent);
    await ledger.recordRefusal('wf/1/1');
    assert.deepEqual(await ledger.recordIntent('wf/1/1', intent), {});
    assert.equal(await ledger.find('wf/1/1'), undefined);
  });

  it('a task at another provider under the same key is not reused, and is no possible duplicate', async () => {
    const ledger = createDatabaseSubmissionLedger(db());
    await ledger.recordIntent('wf/1/1', intent);
    await ledger.recordTask('wf/1/1', task);
    assert.deepEqual(await ledger.recordIntent('wf/1/1', { provider: 'runway', kind: 'video', durationSeconds: 5 }), {});
    assert.equal(await ledger.find('wf/1/1'), undefined);
    const runwayTask: GenerationTask = { provider: 'runway', taskId: 'rw-1', kind: 'video', durationSeconds: 5 };
    await ledger.recordTask('wf/1/1', runwayTask);
    assert.deepEqual(await ledger.find('wf/1/1'), runwayTask);
  });

  it('ignores a row naming no known provider instead of trusting it', async () => {
    await sql`insert into provider_submissions (idempotency_key, provider, task_id, kind, duration_seconds, answered_at)
      values ('wf/1/1', 'sora', 't', 'video', 5, now())`.execute(db().kysely);
    assert.equal(await createDatabaseSubmissionLedger(db()).find('wf/1/1'), undefined);
  });
});
