import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { GenerationTask } from '../domain/activity-types';
import { PROVIDER_NAMES } from '../domain/provider';

/**
 * Remembers which provider task each idempotency key (workflowId/round/attempt) started, so
 * a retried submitGeneration returns that task instead of paying for a second one.
 *
 * One window cannot be closed: none of these providers takes an idempotency key, so if the
 * worker dies after the provider accepted a task and before the entry is written, the retry
 * submits again. The entry is written immediately after the provider answers, synchronously,
 * to keep that window to the provider's answer and one local file write.
 */
export interface SubmissionLedger {
  find(idempotencyKey: string): Promise<GenerationTask | undefined>;
  record(idempotencyKey: string, task: GenerationTask): Promise<void>;
}

const EntrySchema = z.object({
  idempotencyKey: z.string(),
  task: z.object({
    provider: z.enum(PROVIDER_NAMES),
    taskId: z.string().min(1),
    kind: z.enum(['video', 'image']),
    durationSeconds: z.number(),
  }),
  recordedAt: z.string(),
});

/** One small JSON file per key under `<dataDir>/submissions/`, named by the key's sha256. */
export function createFileSubmissionLedger(dataDir: string): SubmissionLedger {
  const directory = path.join(dataDir, 'submissions');
  const fileFor = (key: string) => path.join(directory, `${createHash('sha256').update(key).digest('hex')}.json`);

  return {
    async find(idempotencyKey) {
      let text: string;
      try {
        text = await readFile(fileFor(idempotencyKey), 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
      const entry = EntrySchema.safeParse(parseJson(text));
      // A file that is not ours or belongs to another key (a hash collision) is ignored,
      // never trusted: the worst case is one extra submission, not a wrong asset.
      if (!entry.success || entry.data.idempotencyKey !== idempotencyKey) return undefined;
      return entry.data.task;
    },

    async record(idempotencyKey, task) {
      const target = fileFor(idempotencyKey);
      const entry = { idempotencyKey, task, recordedAt: new Date().toISOString() };
      // Synchronous on purpose: this write is what stands between a crash and paying twice. The
      // async fs calls queue in libuv's thread pool behind image resizing and media probes,
      // which under load held the entry back for seconds; a blocking write and fsync take
      // milliseconds, and nothing else runs until the task id is on disk.
      // Write then rename: a reader sees the old state or the whole new file, never half of one.
      const temporary = `${target}.${randomUUID()}.tmp`;
      try {
        mkdirSync(directory, { recursive: true });
        writeFileSync(temporary, JSON.stringify(entry), { encoding: 'utf8', flush: true });
        renameSync(temporary, target);
      } catch (error) {
        rmSync(temporary, { force: true });
        throw error;
      }
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** For tests and single-process tools: the same contract, kept in memory. */
export function createMemorySubmissionLedger(): SubmissionLedger {
  const entries = new Map<string, GenerationTask>();
  return {
    async find(idempotencyKey) {
      return entries.get(idempotencyKey);
    },
    async record(idempotencyKey, task) {
      entries.set(idempotencyKey, task);
    },
  };
}
