import type { FastifyReply } from 'fastify';
import type { ProviderName } from '../domain/provider';
import type { MediaSpec } from './media/media-cache';
import type { SimContext } from './sim-context';
import type { SimApi, SimTask } from './task-store';

export interface GenerationSubmission {
  api: SimApi;
  provider: ProviderName;
  prompt: string;
  request: Record<string, unknown>;
  media: MediaSpec[];
}

/** A fault the submit request itself answers with; the other kinds shape the task instead. */
export type TransportFault = 'http429' | 'http500' | 'timeout';

export type SubmitResult = { kind: 'fault'; fault: TransportFault } | { kind: 'task'; task: SimTask };

/** The one path every provider's submit route takes: count, consult the rules, create the task. */
export function submitGeneration(context: SimContext, submission: GenerationSubmission): SubmitResult {
  const { provider, prompt } = submission;
  context.counts.count(provider, 'submissions');
  const { fault, latencyMs } = context.book.takeGenerationFault(prompt, provider);
  if (fault !== undefined) context.counts.count(provider, 'faults');
  if (fault === 'http429' || fault === 'http500' || fault === 'timeout') return { kind: 'fault', fault };
  // With the provider profile on, each render carries its provider's mark for the judge to read;
  // an edit keeps its source's mark, since it keeps the source's picture.
  const media = context.settings.providerProfile ? submission.media.map((spec) => ({ ...spec, mark: spec.mark ?? provider })) : submission.media;
  const task = context.tasks.create({
    api: submission.api,
    provider,
    prompt,
    request: submission.request,
    media,
    latencyMs: latencyMs ?? context.latencyMs,
    fault,
  });
  // Remembered so a simulated reviewer can later be asked about the file, or a stored copy of it.
  task.rendering?.then((files) => context.generated.register(task, files), () => undefined);
  context.counts.noteInFlight(provider, context.tasks.running(provider));
  return { kind: 'task', task };
}

/** Answers a transport fault in the caller's API dialect; `body` builds that API's error body. */
export async function answerTransportFault(
  context: SimContext,
  fault: TransportFault,
  reply: FastifyReply,
  body: (status: number, message: string) => unknown,
): Promise<FastifyReply> {
  if (fault === 'http429') {
    return reply
      .code(429)
      .header('retry-after', '1')
      .send(body(429, 'Too many requests: rate limit exceeded, retry after 1 second'));
  }
  if (fault === 'http500') return reply.code(500).send(body(500, 'Internal server error'));
  await context.holds.hold(context.timeoutFaultMs);
  return reply.code(504).send(body(504, 'Gateway timeout: the upstream service did not answer in time'));
}

/** Whole seconds of video wanted: a number or a string like "5" or "5s"; otherwise the default. */
export function durationSeconds(value: unknown, fallback = 5): number {
  const parsed = typeof value === 'number' ? value : typeof value === 'string' ? Number.parseFloat(value) : NaN;
  if (!Number.isFinite(parsed) || parsed <= 0) return fallback;
  return Math.min(30, Math.max(1, Math.round(parsed)));
}
