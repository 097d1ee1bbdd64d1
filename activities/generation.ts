import { activityInfo, cancellationDetails, CancelledFailure, heartbeat, log, sleep } from '@temporalio/activity';
import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';
import {
  GENERATION_NOT_READY,
  type GenerationActivities,
  type GenerationOutput,
  type GenerationRequest,
  type GenerationTask,
  type ProviderBusy,
} from '../src/domain/activity-types';
import { FailureType } from '../src/domain/failures';
import type { ProviderName } from '../src/domain/provider';
import { countGenerationCost, countPossibleDuplicateCharge } from '../src/observability/metrics';
import { callbackDialect, callbackToken, callbackUrl } from '../src/providers/callbacks';
import { classifyProviderError, taskFailure } from '../src/providers/classify-failure';
import type { ConcurrencyGate } from '../src/providers/concurrency-gate';
import type { ProviderClient } from '../src/providers/provider-client';
import type { SubmissionLedger } from '../src/providers/submission-ledger';
import { checkGenerationOptions } from '../workflows/activity-options';

export interface GenerationActivityDeps {
  providers: Record<ProviderName, ProviderClient>;
  ledger: SubmissionLedger;
  /** Per-provider limits on generations in flight (PROVIDER_CONCURRENCY). */
  gate: ConcurrencyGate;
  /** Wait between polls: starts at `initial`, grows ×1.5 up to `max`. */
  pollIntervalMs?: { initial: number; max: number };
  /**
   * Failed polls in a row (429, 5xx, timeouts) ridden out inside the activity before it fails
   * and Temporal retries it; polling is free, so a blip should not spend a retry attempt.
   */
  maxConsecutivePollFailures?: number;
  /** PROVIDER_WEBHOOKS: providers that offer webhooks call the web server back when a task ends. */
  callbacks?: { publicUrl: string; secret: string };
}

/** What awaitGeneration heartbeats, and reads back when Temporal retries it. */
export interface GenerationHeartbeat {
  taskId: string;
  progress?: number;
  polls: number;
}

const DEFAULT_POLL_INTERVAL_MS = { initial: 1_000, max: 10_000 };
const BACKOFF = 1.5;

export function createGenerationActivities(deps: GenerationActivityDeps): GenerationActivities {
  const interval = deps.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  const maxPollFailures = deps.maxConsecutivePollFailures ?? 3;

  async function submitGeneration(request: GenerationRequest): Promise<GenerationTask | ProviderBusy> {
    const recorded = await deps.ledger.find(request.idempotencyKey);
    if (recorded && recorded.provider === request.provider) return reuse(recorded);
    const place = await deps.gate.tryTake(request.provider);
    if (!place.granted) {
      log.info('Provider at its concurrency limit; the workflow will ask again', {
        provider: request.provider,
        inFlight: place.inFlight,
      });
      return { busy: true, provider: request.provider, retryAfterMs: place.retryAfterMs };
    }
    let taskId: string;
    try {
      // Intent first: a retry that finds it with no answer knows this send may have started a task.
      const intent = await deps.ledger.recordIntent(request.idempotencyKey, {
        provider: request.provider,
        kind: request.kind,
        durationSeconds: request.durationSeconds,
      });
      if (intent.recorded) {
        // Another submission under this key (a timed-out attempt still running) got there first.
        await place.lease.cancel();
        return await reuse(intent.recorded);
      }
      if (intent.unanswered) {
        log.warn('An earlier submission under this key got no recorded answer; submitting again may be charged twice', {
          provider: intent.unanswered.provider,
          sentAt: intent.unanswered.sentAt.toISOString(),
          idempotencyKey: request.idempotencyKey,
        });
        countPossibleDuplicateCharge(intent.unanswered.provider);
      }
      taskId = await send(request);
    } catch (error) {
      await quietly('give back the place of a failed submission', () => place.lease.cancel());
      throw error;
    }
    const task: GenerationTask = {
      provider: request.provider,
      taskId,
      kind: request.kind,
      durationSeconds: request.durationSeconds,
    };
    try {
      // The answer before anything else: until it is written, a retry would pay again.
      await deps.ledger.recordTask(request.idempotencyKey, task);
    } finally {
      // The task runs at the provider whether or not its answer was recorded: the place is its.
      await quietly('bind the place to its task', () => place.lease.bind(taskId));
    }
    log.info('Generation submitted', { provider: task.provider, taskId });
    return task;
  }

  async function reuse(recorded: GenerationTask): Promise<GenerationTask> {
    log.info('Generation already submitted for this attempt; reusing its task', {
      provider: recorded.provider,
      taskId: recorded.taskId,
    });
    // Already at the provider: it counts against the limit whatever the limit says now.
    await deps.gate.hold(recorded.provider, recorded.taskId);
    return recorded;
  }

  /** Sends the submission; a refusal the provider answered is recorded, so no retry counts it. */
  async function send(request: GenerationRequest): Promise<string> {
    try {
      const { taskId } = await deps.providers[request.provider].submit({
        prompt: request.prompt,
        kind: request.kind,
        durationSeconds: request.durationSeconds,
        aspectRatio: request.aspectRatio,
        ...callbackFor(request.provider),
      });
      return taskId;
    } catch (error) {
      const failure = classifyProviderError(request.provider, 'submit', error);
      if (providerSaidNo(failure)) {
        await quietly('record the refusal', () => deps.ledger.recordRefusal(request.idempotencyKey));
      }
      throw failure;
    }
  }

  /** The callback URL (and PiAPI's header secret) for this workflow, when webhooks are on. */
  function callbackFor(provider: ProviderName): { callbackUrl?: string; callbackSecret?: string } {
    if (deps.callbacks === undefined || callbackDialect(provider) === undefined) return {};
    // The workflow waiting for the task: the callback signals it. (A standalone activity has none.)
    const workflowId = activityInfo().workflowExecution?.workflowId;
    if (workflowId === undefined) return {};
    const { publicUrl, secret } = deps.callbacks;
    return {
      callbackUrl: callbackUrl(publicUrl, secret, provider, workflowId),
      // The per-workflow token, never WEBHOOK_SECRET itself: the provider learns nothing reusable.
      callbackSecret: callbackToken(secret, provider, workflowId),
    };
  }

  async function awaitGeneration(task: GenerationTask): Promise<GenerationOutput> {
    const provider = deps.providers[task.provider];
    // The task id is this activity's input, so a retry (worker crash, timeout) polls the same
    // task; the heartbeat only carries progress across.
    const previous = readHeartbeat(task.taskId);
    const state: GenerationHeartbeat = { taskId: task.taskId, progress: previous?.progress, polls: previous?.polls ?? 0 };
    if (previous) log.info('Resuming a generation already in progress', { ...state });

    try {
      let delay = interval.initial;
      let failuresInRow = 0;
      for (;;) {
        await deps.gate.hold(task.provider, task.taskId);
        const result = await pollOnce(provider, task);
        state.polls += 1;
        if (result instanceof ApplicationFailure) {
          failuresInRow += 1;
          const wait = retryDelayOf(result) ?? delay;
          // A long retry-after would outlast the heartbeat timeout: leave that wait to Temporal,
          // which honours it as the failure's nextRetryDelay.
          if (failuresInRow > maxPollFailures || wait > interval.max) throw result;
          heartbeat({ ...state });
          await sleep(wait);
        } else if (result.state === 'done') {
          await deps.gate.release(task.provider, task.taskId);
          const costUsd = provider.costUsd(task.kind, task.durationSeconds);
          countGenerationCost(task.provider, task.taskId, costUsd);
          return { provider: task.provider, taskId: task.taskId, outputUrl: result.outputUrl, costUsd };
        } else if (result.state === 'failed') {
          throw taskFailure(task.provider, result.reason, result.refused);
        } else {
          failuresInRow = 0;
          if (result.progress !== undefined) state.progress = result.progress;
          heartbeat({ ...state });
          await sleep(delay);
        }
        delay = Math.min(interval.max, Math.round(delay * BACKOFF));
      }
    } catch (error) {
      if (wasCancelledByWorkflow(error)) await cancelQuietly(provider, task);
      // A failure Temporal retries polls the same task again, so its place stays taken (and
      // lapses if no retry comes); after a cancellation or a final failure nothing will.
      if (wasCancelledByWorkflow(error) || isFinal(error)) await deps.gate.release(task.provider, task.taskId);
      throw error;
    }
  }

  async function checkGeneration(task: GenerationTask): Promise<GenerationOutput> {
    const provider = deps.providers[task.provider];
    // Renewed on every look, so the place lasts as long as the task does and no longer.
    await deps.gate.hold(task.provider, task.taskId);
    try {
      const result = await pollOrThrow(provider, task);
      if (result.state === 'pending') throw notReady(task, result.progress);
      if (result.state === 'failed') throw taskFailure(task.provider, result.reason, result.refused);
      await deps.gate.release(task.provider, task.taskId);
      const costUsd = provider.costUsd(task.kind, task.durationSeconds);
      countGenerationCost(task.provider, task.taskId, costUsd);
      return { provider: task.provider, taskId: task.taskId, outputUrl: result.outputUrl, costUsd };
    } catch (error) {
      // A look Temporal will retry keeps the place; after a final failure no look follows.
      if (isFinal(error)) await deps.gate.release(task.provider, task.taskId);
      throw error;
    }
  }

  async function cancelGeneration(task: GenerationTask): Promise<void> {
    await cancelQuietly(deps.providers[task.provider], task);
    await deps.gate.release(task.provider, task.taskId);
  }

  return { submitGeneration, checkGeneration, cancelGeneration, awaitGeneration };
}

/**
 * The task still runs. Retryable, so the workflow's retry policy schedules the next look; benign,
 * so the worker logs it at debug level and its metrics do not count it as a failure.
 */
function notReady(task: GenerationTask, progress: number | undefined): ApplicationFailure {
  const done = progress === undefined ? '' : ` (${Math.round(progress * 100)}% done)`;
  return ApplicationFailure.create({
    type: GENERATION_NOT_READY,
    message: `${task.provider} task ${task.taskId} is still running${done}`,
    details: [{ progress }],
    category: ApplicationFailureCategory.BENIGN,
  });
}

async function pollOrThrow(provider: ProviderClient, task: GenerationTask) {
  try {
    return await provider.poll(task.taskId);
  } catch (error) {
    throw classifyProviderError(task.provider, 'poll', error);
  }
}

/**
 * Whether the provider answered a submission with an HTTP refusal that says it started nothing:
 * any 4xx, or 503 (overloaded, try later). Other 5xx can come from a gateway in front of a
 * backend that took the job, and a timeout or a dropped connection says nothing at all: those
 * leave the intent unanswered, so a retry counts a possible duplicate.
 */
function providerSaidNo(failure: ApplicationFailure): boolean {
  const details: unknown = failure.details?.[0];
  const status = details && typeof details === 'object' ? (details as { httpStatus?: unknown }).httpStatus : undefined;
  return typeof status === 'number' && ((status >= 400 && status < 500) || status === 503);
}

/** Bookkeeping after the fact: its failure is logged, and must not hide the outcome being reported. */
async function quietly(what: string, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    log.warn(`Could not ${what}`, { reason: error instanceof Error ? error.message : String(error) });
  }
}

/** A transient failure comes back as a value, to be ridden out; anything else is thrown. */
async function pollOnce(
  provider: ProviderClient,
  task: GenerationTask,
): Promise<Awaited<ReturnType<ProviderClient['poll']>> | ApplicationFailure> {
  try {
    return await provider.poll(task.taskId);
  } catch (error) {
    const failure = classifyProviderError(task.provider, 'poll', error);
    if (failure.type === FailureType.unavailable) {
      log.warn('Polling the provider failed; trying again', { provider: task.provider, reason: failure.message });
      return failure;
    }
    throw failure;
  }
}

function readHeartbeat(taskId: string): GenerationHeartbeat | undefined {
  const details: unknown = activityInfo().heartbeatDetails;
  if (!details || typeof details !== 'object') return undefined;
  const candidate = details as Partial<GenerationHeartbeat>;
  if (candidate.taskId !== taskId) return undefined;
  return {
    taskId,
    progress: typeof candidate.progress === 'number' ? candidate.progress : undefined,
    polls: typeof candidate.polls === 'number' ? candidate.polls : 0,
  };
}

const FINAL_FAILURE_TYPES: readonly string[] = checkGenerationOptions.retry?.nonRetryableErrorTypes ?? [];

function isFinal(error: unknown): boolean {
  return error instanceof ApplicationFailure && (error.nonRetryable || FINAL_FAILURE_TYPES.includes(error.type ?? ''));
}

function retryDelayOf(failure: ApplicationFailure): number | undefined {
  const delay = failure.nextRetryDelay;
  return typeof delay === 'number' ? delay : undefined;
}

// Only a cancellation the workflow asked for stops the provider's task. A timeout, a worker
// shutdown or a pause also cancel the activity, but then Temporal retries it and the retry
// must find the task still running.
function wasCancelledByWorkflow(error: unknown): boolean {
  if (!(error instanceof CancelledFailure)) return false;
  const details = cancellationDetails();
  return details ? details.cancelRequested : error.message === 'CANCELLED';
}

async function cancelQuietly(provider: ProviderClient, task: GenerationTask): Promise<void> {
  try {
    await provider.cancel(task.taskId);
    log.info('Cancelled the provider task', { provider: task.provider, taskId: task.taskId });
  } catch (error) {
    // Some APIs only cancel queued tasks; the workflow's cancellation goes ahead regardless.
    log.warn('Could not cancel the provider task', {
      provider: task.provider,
      taskId: task.taskId,
      reason: error instanceof Error ? error.message : String(error),
    });
  }
}
