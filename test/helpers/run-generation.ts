import { setTimeout as sleep } from 'node:timers/promises';
import type { Info } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import type { GeneratedAsset, GenerateRequest } from '../../src/domain/generation';
import { generateAssetOptions } from '../../workflows/activity-options';

/** How one run of generateAsset ended, and every retryable failure on the way, in order. */
export interface GenerationRun {
  generated?: GeneratedAsset;
  /** The failure Temporal would not retry: the attempt's outcome. */
  failure?: ApplicationFailure;
  /** Each execution's retryable failure (mostly benign "not ready"), with the delay it asked for. */
  retried: ApplicationFailure[];
}

export interface RunOptions {
  /** Executions before the test gives up on the run (Temporal's own schedule-to-close). */
  maxExecutions?: number;
  /** The longest the test waits between executions, whatever delay the activity asked for. */
  maxWaitMs?: number;
  /** The first execution's attempt number, as a retry that follows earlier ones would have. */
  firstAttempt?: number;
  /** Activity info for every execution (e.g. the workflow it belongs to). */
  info?: Partial<Info>;
}

const NON_RETRYABLE_TYPES: readonly string[] = generateAssetOptions.retry?.nonRetryableErrorTypes ?? [];

/** The activities log each step; tests only want to hear about errors. */
export function quietEnvironment(info?: Partial<Info>): MockActivityEnvironment {
  return new MockActivityEnvironment(info, { logger: new DefaultLogger('ERROR') });
}

type GenerateAsset = (request: GenerateRequest) => Promise<GeneratedAsset>;

/** One execution of the activity, in an activity context of its own (a fresh Temporal attempt). */
export function executeOnce(generateAsset: GenerateAsset, request: GenerateRequest, info?: Partial<Info>): Promise<GeneratedAsset> {
  return quietEnvironment(info).run<[GenerateRequest], GeneratedAsset, GenerateAsset>(generateAsset, request);
}

/**
 * Runs generateAsset as Temporal's retry policy would (workflows/activity-options.ts): each
 * execution in a new activity context with the next attempt number, again after every failure
 * that is retryable (neither marked non-retryable nor of a type the policy names), until it
 * returns or fails for good. The delays it asks for are honoured up to `maxWaitMs`, so a test
 * does not sit out a provider's schedule. Anything but an ApplicationFailure is thrown: the
 * activity is meant to say what went wrong in its own terms.
 */
export async function runGeneration(
  generateAsset: GenerateAsset,
  request: GenerateRequest,
  options: RunOptions = {},
): Promise<GenerationRun> {
  const { maxExecutions = 200, maxWaitMs = 20, firstAttempt = 1 } = options;
  const retried: ApplicationFailure[] = [];
  for (let attempt = firstAttempt; attempt < firstAttempt + maxExecutions; attempt += 1) {
    try {
      const generated = await executeOnce(generateAsset, request, { ...options.info, attempt });
      return { generated, retried };
    } catch (error) {
      if (!(error instanceof ApplicationFailure)) throw error;
      if (error.nonRetryable || NON_RETRYABLE_TYPES.includes(error.type ?? '')) return { failure: error, retried };
      retried.push(error);
      await sleep(Math.min(maxWaitMs, delayMs(error.nextRetryDelay)));
    }
  }
  throw new Error(`generateAsset neither finished nor failed for good in ${maxExecutions} executions`);
}

function delayMs(delay: ApplicationFailure['nextRetryDelay']): number {
  return typeof delay === 'number' ? delay : 1_000;
}
