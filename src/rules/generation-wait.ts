import { durationMs } from '../domain/policy';
import type { ProviderName } from '../domain/provider';
import type { SceneKind } from '../domain/scene';

/**
 * How long a round waits for a provider (SPEC.md "Cost and provider health"): for a place under
 * its concurrency limit, then for its task to finish. Both waits hold no worker slot; past either
 * deadline the attempt fails (`provider_busy`, `timeout`) and the round goes on.
 */

const MINUTE_MS = 60_000;

/**
 * From submission to output, per provider and kind. A task still running past this is cancelled
 * at the provider and the attempt fails with reason `timeout`.
 */
const GENERATION_DEADLINE_MS: Readonly<Record<ProviderName, Readonly<Record<SceneKind, number>>>> = {
  // PiAPI's own MCP server polls Kling and Hailuo video for up to 900 s, and its CLI gives up on
  // other tasks after 300 s (apinetwork/piapi-mcp-server; PiAPI-1/piapi-cli src/polling/poll.ts).
  kling: { video: 15 * MINUTE_MS, image: 5 * MINUTE_MS },
  hailuo: { video: 15 * MINUTE_MS, image: 5 * MINUTE_MS },
  // Luma's ray-v2 through the same PiAPI task API: the same 900 s as PiAPI's other video models.
  luma: { video: 15 * MINUTE_MS, image: 5 * MINUTE_MS },
  flux: { video: 5 * MINUTE_MS, image: 5 * MINUTE_MS },
  // The Runway SDK's waitForTaskOutput gives up after 600 000 ms by default.
  runway: { video: 10 * MINUTE_MS, image: 10 * MINUTE_MS },
  // fal's queue: schnell images take seconds; the 300 s PiAPI's CLI allows an image is ample.
  falai: { video: 5 * MINUTE_MS, image: 5 * MINUTE_MS },
};

/** The provider's deadline for the kind, or the policy's `generationTimeout` (a duration) when shorter. */
export function generationDeadlineMs(provider: ProviderName, kind: SceneKind, generationTimeout?: string): number {
  const own = GENERATION_DEADLINE_MS[provider][kind];
  return generationTimeout === undefined ? own : Math.min(own, durationMs(generationTimeout));
}

/**
 * How long a round waits for a place under PROVIDER_CONCURRENCY before the attempt fails with
 * `provider_busy` and the next attempt tries another provider: as long as two of this
 * generation's slowest runs ahead in the queue, after which another provider is the quicker way.
 */
export function providerBusyDeadlineMs(generationDeadline: number): number {
  return 2 * generationDeadline;
}

/**
 * The longest one attempt can run once started: its wait for a place, its generation, and three
 * hours for storing, judging and comparing, more than those activities' timeouts and retries add
 * up to (workflows/activity-options.ts). An attempt's hold on its project's budget
 * (src/db/budget-reservations.ts) lasts this long if the attempt is never recorded.
 */
export function attemptDeadlineMs(generationDeadline: number): number {
  return providerBusyDeadlineMs(generationDeadline) + generationDeadline + 180 * MINUTE_MS;
}

/**
 * The gap before the next look at a running task, from how long it has run: the first look comes
 * `initialMs` after submission and each gap grows ×1.5 of the one before (initial + half the time
 * waited so far is exactly that series), up to `maxMs`. Images finish in seconds, so their looks
 * start at 1 s; videos take minutes, so theirs grow to 15 s (looks at 2, 5, 9.5, 16.25 s…). The
 * Runway SDK looks every ~6 s and PiAPI's CLI backs off ×1.5 from 1 s: the same growth here.
 */
export function nextLookDelayMs(kind: SceneKind, runningForMs: number): number {
  const { initialMs, maxMs } = LOOK_SCHEDULE[kind];
  return Math.round(Math.min(maxMs, initialMs + 0.5 * Math.max(0, runningForMs)));
}

const LOOK_SCHEDULE: Readonly<Record<SceneKind, { initialMs: number; maxMs: number }>> = {
  video: { initialMs: 2_000, maxMs: 15_000 },
  image: { initialMs: 1_000, maxMs: 10_000 },
};

/**
 * The gap before asking again for a place under PROVIDER_CONCURRENCY, after `waits` refusals:
 * the gate's own suggestion growing ×1.25 a time up to 15 s, so a place freed by a seconds-long
 * image is taken soon and a queue behind minutes-long videos asks about four times a minute.
 */
export function nextPlaceAskDelayMs(suggestedMs: number, waits: number): number {
  return Math.round(Math.min(15_000, suggestedMs * 1.25 ** Math.max(0, waits)));
}
