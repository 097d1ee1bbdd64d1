import { randomUUID } from 'node:crypto';
import type { ProviderName } from '../domain/provider';
import type { MediaCache, MediaFile, MediaSpec } from './media/media-cache';

/** Long enough for a warm cache, short enough for a client's poll timeout. */
const POLL_RENDER_WAIT_MS = 250;

export type TaskPhase = 'queued' | 'running' | 'done';

/** Which API dialect created the task; another API cannot read or cancel it. */
export type SimApi = 'piapi' | 'runway' | 'fal';

export interface SimTask {
  id: string;
  api: SimApi;
  provider: ProviderName;
  prompt: string;
  createdAt: Date;
  latencyMs: number;
  /** The submitted body, echoed back the way the real APIs do. */
  request: Record<string, unknown>;
  media: MediaSpec[];
  /** Scripted outcome: refused by moderation, moderation down, or succeeded with URLs that answer 410. */
  fault?: 'refuse' | 'moderation_down' | 'expired_url';
  cancelled: boolean;
  /** Runway's DELETE on a finished task removes it; a later GET is 404. */
  deleted: boolean;
  /** Started at submission so the bytes are usually ready before the client asks. */
  rendering?: Promise<MediaFile[]>;
}

export type TaskOutcome =
  | { state: 'queued' | 'running'; progress: number }
  | { state: 'cancelled' }
  | { state: 'refused' }
  /** `stage: 'moderation'`: the provider could not run its content check (a fault of its own). */
  | { state: 'failed'; message: string; stage?: 'moderation' }
  | { state: 'succeeded'; files: MediaFile[] };

export class TaskStore {
  private readonly tasks = new Map<string, SimTask>();

  constructor(private readonly media: MediaCache) {}

  create(fields: Omit<SimTask, 'id' | 'createdAt' | 'cancelled' | 'deleted' | 'rendering'>): SimTask {
    const task: SimTask = { ...fields, id: randomUUID(), createdAt: new Date(), cancelled: false, deleted: false };
    if (task.fault !== 'refuse' && task.fault !== 'moderation_down') {
      task.rendering = Promise.all(task.media.map((spec) => this.media.ensure(spec)));
      // Read later by outcome(); until then a failure must not count as unhandled.
      task.rendering.catch(() => undefined);
    }
    this.tasks.set(task.id, task);
    return task;
  }

  get(api: SimApi, id: string): SimTask | undefined {
    const task = this.tasks.get(id);
    return task === undefined || task.deleted || task.api !== api ? undefined : task;
  }

  /** Tasks of the provider still queued or running: neither finished nor cancelled. */
  running(provider: ProviderName, now = Date.now()): number {
    let count = 0;
    for (const task of this.tasks.values()) {
      if (task.provider === provider && !task.cancelled && !task.deleted && this.phase(task, now) !== 'done') count += 1;
    }
    return count;
  }

  phase(task: SimTask, now = Date.now()): TaskPhase {
    const elapsed = now - task.createdAt.getTime();
    if (elapsed >= task.latencyMs) return 'done';
    return elapsed < task.latencyMs / 3 ? 'queued' : 'running';
  }

  progress(task: SimTask, now = Date.now()): number {
    if (task.latencyMs <= 0) return 1;
    return Math.min(1, Math.max(0, (now - task.createdAt.getTime()) / task.latencyMs));
  }

  /**
   * Where the task stands now. A task whose time is up but whose bytes are still rendering
   * waits up to `renderWaitMs` and otherwise still reports running, so a poll never hangs on
   * ffmpeg and an output URL is only handed out once it answers.
   */
  async outcome(task: SimTask, renderWaitMs = POLL_RENDER_WAIT_MS): Promise<TaskOutcome> {
    if (task.cancelled) return { state: 'cancelled' };
    const phase = this.phase(task);
    if (phase !== 'done') return { state: phase, progress: this.progress(task) };
    if (task.fault === 'moderation_down') return { state: 'failed', message: 'content moderation could not be performed', stage: 'moderation' };
    if (task.fault === 'refuse' || task.rendering === undefined) return { state: 'refused' };
    const rendered = await settledWithin(task.rendering, renderWaitMs);
    if (rendered === undefined) return { state: 'running', progress: 0.99 };
    if (rendered.ok) return { state: 'succeeded', files: rendered.value };
    return { state: 'failed', message: `generation failed: ${rendered.error.message}` };
  }

  /** Output file name of the task's n-th output. */
  fileName(task: SimTask, index: number): string {
    const extension = task.media[index]?.kind === 'video' ? 'mp4' : 'png';
    return index === 0 ? `${task.id}.${extension}` : `${task.id}_${index}.${extension}`;
  }

  /** The task and output index a file name belongs to, or undefined for a name we never issued. */
  resolveFileName(name: string): { task: SimTask; index: number } | undefined {
    const parsed = /^([0-9a-f-]{36})(?:_(\d{1,2}))?\.(png|mp4)$/.exec(name);
    if (!parsed) return undefined;
    const task = this.tasks.get(parsed[1]);
    const index = parsed[2] === undefined ? 0 : Number(parsed[2]);
    if (task === undefined || index >= task.media.length || this.fileName(task, index) !== name) return undefined;
    return { task, index };
  }
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: Error };

/** The promise's result if it settles within `ms`; undefined if it is still running then. */
async function settledWithin<T>(promise: Promise<T>, ms: number): Promise<Settled<T> | undefined> {
  const settled = promise.then(
    (value): Settled<T> => ({ ok: true, value }),
    (error: unknown): Settled<T> => ({ ok: false, error: error instanceof Error ? error : new Error(String(error)) }),
  );
  if (!Number.isFinite(ms)) return settled;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([settled, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
