import { activityInfo, log } from '@temporalio/activity';
import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';
import type { AssetRef } from '../src/domain/asset';
import { FailureType } from '../src/domain/failures';
import {
  GENERATION_NOT_READY,
  type CancelGenerationRequest,
  type CancelledGeneration,
  type GeneratedAsset,
  type GenerateRequest,
  type GenerationFailureDetails,
  type GenerationTask,
} from '../src/domain/generation';
import type { ProviderName } from '../src/domain/provider';
import { countGenerationCost, countPossibleDuplicateCharge } from '../src/observability/metrics';
import { callbackDialect, callbackToken, callbackUrl } from '../src/providers/callbacks';
import { classifyProviderError, taskFailure } from '../src/providers/classify-failure';
import type { ConcurrencyGate } from '../src/providers/concurrency-gate';
import type { ProviderClient } from '../src/providers/provider-client';
import type { LedgerEntry, SubmissionLedger } from '../src/providers/submission-ledger';
import { nextLookDelayMs, nextPlaceAskDelayMs } from '../src/rules/generation-wait';
import { editEndpoint } from '../src/catalog/edits';
import type { StoreOutputRequest } from './store-output';

export interface GenerationActivityDeps {
  providers: Record<ProviderName, ProviderClient>;
  ledger: SubmissionLedger;
  /** Per-provider limits on generations in flight (PROVIDER_CONCURRENCY). */
  gate: ConcurrencyGate;
  /** Copies a finished task's output into our store (activities/store-output.ts). */
  storeOutput: (request: StoreOutputRequest) => Promise<AssetRef>;
  /** PROVIDER_WEBHOOKS: providers that offer webhooks call the web server back when a task ends. */
  callbacks?: { publicUrl: string; secret: string };
  /** A stored asset's bytes, so a repair can send the asset inline; without it a repair sends its URL. */
  readAsset?: (asset: AssetRef) => Promise<Buffer>;
}

/**
 * Sends a provider is asked for one attempt before its failure is final: a provider that is down
 * for five tries is down for this attempt, and the next attempt tries another.
 */
export const MAX_SENDS = 5;

/**
 * How long after the provider delivered our store may keep failing before the attempt gives up
 * on the output: long enough to ride out a blip of the object store, short enough that an outage
 * fails the attempt (`unavailable` at the store step) and the round goes on.
 */
export const STORE_RETRY_WINDOW_MS = 120_000;

/**
 * generateAsset: one activity from submission to our stored copy, retried by Temporal until it is
 * done. Each execution does the next step and fails benignly ("not ready", with the delay it
 * wants) while there is nothing to do but wait: it takes a place under PROVIDER_CONCURRENCY and
 * submits, or looks at the task, or stores the output. Between executions Temporal's server
 * waits, so no worker slot is held and no history event is written; every execution finds where
 * the last one got to in the submission ledger, on any host.
 */
export function createGenerationActivities(deps: GenerationActivityDeps) {
  async function generateAsset(request: GenerateRequest): Promise<GeneratedAsset> {
    const entry = await deps.ledger.find(request.idempotencyKey);
    const ours = entry?.provider === request.provider ? entry : undefined;
    if (ours?.task === undefined) throw await submit(request, ours);
    if (ours.output !== undefined) return await store(request, ours.task, ours.output);
    return await look(request, ours.task, ours.runningForMs ?? 0);
  }

  /** Submits once the provider has room; always throws: the task it started is looked at next time. */
  async function submit(request: GenerateRequest, entry: LedgerEntry | undefined): Promise<ApplicationFailure> {
    const { provider, idempotencyKey } = request;
    const place = await deps.gate.tryTake(provider);
    if (!place.granted) {
      if (Date.now() > request.submitBy) {
        return ApplicationFailure.create({
          type: PROVIDER_BUSY,
          message: `${provider} had no free place in time (PROVIDER_CONCURRENCY)`,
          nonRetryable: true,
          details: [{ step: 'generate' } satisfies GenerationFailureDetails],
        });
      }
      return notReady(`${provider} is at its concurrency limit (${place.inFlight} in flight)`, nextPlaceAskDelayMs(place.retryAfterMs, activityInfo().attempt - 1));
    }
    let taskId: string;
    try {
      // Intent first: a retry that finds it with no answer knows this send may have started a task.
      const intent = await deps.ledger.recordIntent(idempotencyKey, { provider, kind: request.kind, durationSeconds: request.durationSeconds });
      if (!intent.claimed) {
        await place.lease.cancel();
        if ('recorded' in intent) return notReady(`${provider} task ${intent.recorded.taskId} was just recorded`, 0);
        return notReady(`another submission under ${idempotencyKey} is on its way`, 5_000);
      }
      if (intent.unanswered) {
        log.warn('An earlier submission under this key got no recorded answer; submitting again may be charged twice', {
          provider: intent.unanswered.provider,
          sentAt: intent.unanswered.sentAt.toISOString(),
          idempotencyKey,
        });
        countPossibleDuplicateCharge(intent.unanswered.provider);
      }
      taskId = await send(request, entry?.failedSends ?? 0);
    } catch (error) {
      await quietly('give back the place of a failed submission', () => place.lease.cancel());
      throw error;
    }
    const task: GenerationTask = { provider, taskId, kind: request.kind, durationSeconds: request.durationSeconds };
    try {
      // The answer before anything else: until it is written, a retry would pay again.
      await deps.ledger.recordTask(idempotencyKey, task);
    } finally {
      // The task runs at the provider whether or not its answer was recorded: the place is its.
      await quietly('bind the place to its task', () => place.lease.bind(taskId));
    }
    log.info('Generation submitted', { provider, taskId });
    return notReady(`${provider} task ${taskId} submitted`, nextLookDelayMs(request.kind, 0), { taskId });
  }

  /** Sends the submission; a failed send is counted, and past MAX_SENDS its failure is final. */
  async function send(request: GenerateRequest, failedBefore: number): Promise<string> {
    try {
      const edit = request.edit === undefined ? undefined : { sourceUri: await editSourceUri(request) };
      const { taskId } = await deps.providers[request.provider].submit({
        prompt: request.prompt,
        kind: request.kind,
        durationSeconds: request.durationSeconds,
        aspectRatio: request.aspectRatio,
        ...(edit ? { edit } : callbackFor(request.provider)),
      });
      return taskId;
    } catch (error) {
      const failure = classifyProviderError(request.provider, 'submit', error);
      await quietly('record the failed send', () => deps.ledger.recordFailedSend(request.idempotencyKey, providerSaidNo(failure)));
      const final = failure.nonRetryable || failedBefore + 1 >= MAX_SENDS;
      throw withDetails(failure, { step: 'generate' }, final, retryDelayOf(failure) ?? sendBackoffMs(failedBefore));
    }
  }

  /**
   * The asset a repair edits, as the provider takes it: inline as a data URI when it is within
   * the edit endpoint's limit (no public URL needed), else the URL our web server serves it at.
   */
  async function editSourceUri(request: GenerateRequest): Promise<string> {
    const { source, sourceUrl } = request.edit ?? {};
    const limit = editEndpoint(request.provider, request.kind)?.dataUriMaxBytes ?? 0;
    if (source !== undefined && deps.readAsset !== undefined && source.sizeBytes <= limit) {
      const bytes = await deps.readAsset(source);
      return `data:${source.mediaType};base64,${bytes.toString('base64')}`;
    }
    const url = sourceUrl ?? source?.url;
    if (url === undefined) {
      throw ApplicationFailure.create({ type: FailureType.badRequest, message: 'a repair needs the asset it edits', nonRetryable: true });
    }
    return url;
  }

  /** One look at the task: its output stored when done; "not ready" while it runs. */
  async function look(request: GenerateRequest, task: GenerationTask, runningForMs: number): Promise<GeneratedAsset> {
    const provider = deps.providers[task.provider];
    // Renewed on every look, so the place lasts as long as the task does and no longer.
    await deps.gate.hold(task.provider, task.taskId);
    if (runningForMs > request.deadlineMs) {
      const billedUsd = await stopTask(provider, task);
      throw ApplicationFailure.create({
        type: TIMEOUT,
        message: `${task.provider} did not finish task ${task.taskId} within ${minutes(request.deadlineMs)}`,
        nonRetryable: true,
        details: [{ step: 'generate', taskId: task.taskId, billedUsd } satisfies GenerationFailureDetails],
      });
    }
    let result;
    try {
      result = await provider.poll(task.taskId);
    } catch (error) {
      // Looking again is free: a provider blip waits for the next look, whatever its kind.
      const failure = classifyProviderError(task.provider, 'poll', error);
      if (failure.nonRetryable) {
        await deps.gate.release(task.provider, task.taskId);
        throw withDetails(failure, { step: 'generate', taskId: task.taskId }, true);
      }
      throw notReady(`${task.provider} could not be asked about task ${task.taskId}: ${failure.message}`, nextLookDelayMs(task.kind, runningForMs));
    }
    if (result.state === 'pending') {
      const done = result.progress === undefined ? '' : ` (${Math.round(result.progress * 100)}% done)`;
      throw notReady(`${task.provider} task ${task.taskId} is still running${done}`, nextLookDelayMs(task.kind, runningForMs), { taskId: task.taskId });
    }
    await deps.gate.release(task.provider, task.taskId);
    if (result.state === 'failed') {
      const details = { step: 'generate' as const, taskId: task.taskId, billedUsd: result.costUsd ?? 0 };
      throw withDetails(taskFailure(task.provider, result.reason, result.refused, result.providerFault), details, true);
    }
    // The provider's own figure where it gives one (Runway's final cost), the price table otherwise.
    const costUsd = result.costUsd ?? provider.costUsd(task.kind, task.durationSeconds);
    await deps.ledger.recordOutput(request.idempotencyKey, { outputUrl: result.outputUrl, costUsd });
    countGenerationCost(task.provider, task.taskId, costUsd);
    return await store(request, task, { outputUrl: result.outputUrl, costUsd, doneForMs: 0 });
  }

  async function store(
    request: GenerateRequest,
    task: GenerationTask,
    output: { outputUrl: string; costUsd: number; doneForMs: number },
  ): Promise<GeneratedAsset> {
    try {
      const asset = await deps.storeOutput({ url: output.outputUrl, sceneId: request.sceneId, expectedKind: task.kind });
      return { asset, provider: task.provider, taskId: task.taskId, costUsd: output.costUsd };
    } catch (error) {
      if (!(error instanceof ApplicationFailure)) throw error;
      // The provider delivered: whatever becomes of our copy, its task is billed.
      const details: GenerationFailureDetails = { step: 'store', taskId: task.taskId, billedUsd: output.costUsd };
      // A retry-after the output's host asked for is kept: Temporal waits that long before the next try.
      throw withDetails(error, details, error.nonRetryable || output.doneForMs > STORE_RETRY_WINDOW_MS, retryDelayOf(error));
    }
  }

  /** Stops the task of an attempt the round no longer wants, gives back its place, and says what it costs. */
  async function cancelGeneration(request: CancelGenerationRequest): Promise<CancelledGeneration> {
    const entry = await deps.ledger.find(request.idempotencyKey);
    const task = entry?.task;
    if (task === undefined) return { billedUsd: 0 };
    if (entry?.output !== undefined) return { taskId: task.taskId, billedUsd: entry.output.costUsd };
    return { taskId: task.taskId, billedUsd: await stopTask(deps.providers[task.provider], task) };
  }

  /**
   * Stops a task nobody wants and says what it is billed. A provider that reports a stopped task's
   * final cost (Runway's `cost`, refunds taken off) is asked once more. One that would not stop it
   * (PiAPI cancels only pending tasks: https://piapi.ai/docs/dream-machine/cancel-task) runs it to
   * the end and bills it at the table's price; one that stopped it before it started bills nothing.
   */
  async function stopTask(provider: ProviderClient, task: GenerationTask): Promise<number> {
    let billedUsd = 0;
    try {
      await provider.cancel(task.taskId);
      log.info('Cancelled the provider task', { provider: task.provider, taskId: task.taskId });
      billedUsd = (await finalCost(provider, task)) ?? 0;
    } catch (error) {
      billedUsd = provider.costUsd(task.kind, task.durationSeconds);
      log.warn('Could not cancel the provider task; it runs on and is billed', {
        provider: task.provider,
        taskId: task.taskId,
        billedUsd,
        reason: errorMessage(error),
      });
    }
    await quietly('give back the place of a stopped task', () => deps.gate.release(task.provider, task.taskId));
    return billedUsd;
  }

  /** The cost a provider reports for a task it has stopped, when it reports one. */
  async function finalCost(provider: ProviderClient, task: GenerationTask): Promise<number | undefined> {
    try {
      const after = await provider.poll(task.taskId);
      return after.state === 'pending' ? undefined : after.costUsd;
    } catch {
      // The cancel took; a provider that cannot say what it kept is taken to have kept nothing.
      return undefined;
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

  return { generateAsset, cancelGeneration };
}

/** No free place in time under PROVIDER_CONCURRENCY: the next attempt tries another provider. */
export const PROVIDER_BUSY = 'provider_busy';
/** The provider did not finish within the deadline; the task was cancelled at the provider. */
export const TIMEOUT = 'timeout';

/**
 * Nothing to do but wait. Retryable, after `delayMs`; benign, so the worker logs it at debug
 * level and its metrics do not count it as a failure.
 */
function notReady(message: string, delayMs: number, details: GenerationFailureDetails = {}): ApplicationFailure {
  return ApplicationFailure.create({
    type: GENERATION_NOT_READY,
    message,
    details: [{ step: 'generate', ...details } satisfies GenerationFailureDetails],
    category: ApplicationFailureCategory.BENIGN,
    nextRetryDelay: Math.max(1, Math.round(delayMs)),
  });
}

/** The failure again with what the round records of it (step, task, money), final or not. */
function withDetails(failure: ApplicationFailure, details: GenerationFailureDetails, final: boolean, retryDelayMs?: number): ApplicationFailure {
  const own: unknown = failure.details?.[0];
  return ApplicationFailure.create({
    type: failure.type ?? FailureType.unavailable,
    message: failure.message,
    nonRetryable: final,
    details: [{ ...(own && typeof own === 'object' ? own : {}), ...details }],
    nextRetryDelay: final ? undefined : retryDelayMs,
    cause: failure,
  });
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

/** 5 s, doubling, to a minute: the spacing the submission had when it was an activity of its own. */
function sendBackoffMs(failedBefore: number): number {
  return Math.min(60_000, 5_000 * 2 ** failedBefore);
}

function retryDelayOf(failure: ApplicationFailure): number | undefined {
  const delay = failure.nextRetryDelay;
  return typeof delay === 'number' ? delay : undefined;
}

/** Bookkeeping after the fact: its failure is logged, and must not hide the outcome being reported. */
async function quietly(what: string, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    log.warn(`Could not ${what}`, { reason: errorMessage(error) });
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function minutes(ms: number): string {
  return ms < 60_000 ? `${Math.round(ms / 1000)} seconds` : `${Math.round(ms / 60_000)} minutes`;
}
