import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createFileSubmissionLedger } from '../../src/providers/submission-ledger';
import type { GenerationTask } from '../../src/domain/activity-types';

describe('file submission ledger', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'ledger-'));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  const task: GenerationTask = { provider: 'kling', taskId: 'task-1', kind: 'video', durationSeconds: 5 };

  it('finds nothing for a key never recorded', async () => {
    assert.equal(await createFileSubmissionLedger(dataDir).find('wf/1/1'), undefined);
  });

  it('returns the recorded task, also to a new instance (a restarted worker)', async () => {
    await createFileSubmissionLedger(dataDir).record('wf/1/1', task);
    assert.deepEqual(await createFileSubmissionLedger(dataDir).find('wf/1/1'), task);
    assert.equal(await createFileSubmissionLedger(dataDir).find('wf/1/2'), undefined);
  });

  it('writes one small file per key and leaves no temporary files', async () => {
    const ledger = createFileSubmissionLedger(dataDir);
    await ledger.record('wf/1/1', task);
    await ledger.record('wf/1/1', { ...task, taskId: 'task-1b' });
    await ledger.record('wf/1/2', task);
    const files = await readdir(path.join(dataDir, 'submissions'));
    assert.equal(files.length, 2);
    assert.ok(files.every((file) => /^[0-9a-f]{64}\.json$/.test(file)));
    assert.equal((await ledger.find('wf/1/1'))?.taskId, 'task-1b');
  });

  it('ignores a damaged entry instead of trusting it', async () => {
    const ledger = createFileSubmissionLedger(dataDir);
    await ledger.record('wf/1/1', task);
    const [file] = await readdir(path.join(dataDir, 'submissions'));
    await writeFile(path.join(dataDir, 'submissions', file), '{"idempotencyKey":"wf/1/1","task":');
    assert.equal(await ledger.find('wf/1/1'), undefined);
  });
});
