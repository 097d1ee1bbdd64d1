import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { checkRunwayCreate } from '../../catalog/limits/runway';
import { editEndpoint } from '../../catalog/edits';
import { editedMedia, readEditSource, rememberEdit } from '../edit-source';
import { answerTransportFault, durationSeconds, submitGeneration } from '../generation';
import type { MediaSpec } from '../media/media-cache';
import { imageSizeFromRatio, videoSize } from '../media/media-size';
import { fileUrl, type SimContext } from '../sim-context';
import type { SimTask, TaskOutcome } from '../task-store';

/** Runway's API (research/providers.md §2), as @runwayml/sdk calls it. */

const DOC_URL = 'https://docs.dev.runwayml.com/api';

const promptText = z.string().trim().min(1).max(1000, 'promptText must be at most 1000 characters');
const ratio = z.string().regex(/^(\d+:\d+|adaptive)$/, 'ratio must look like "1280:720"');
const duration = z.union([z.number().int().min(1).max(30), z.literal('auto')]);

const TextToVideoSchema = z.looseObject({
  model: z.string().min(1),
  promptText,
  ratio: ratio.optional(),
  duration: duration.optional(),
});

const ImageToVideoSchema = z.looseObject({
  model: z.string().min(1),
  promptImage: z.union([
    z.string().min(1),
    z.array(z.looseObject({ uri: z.string().min(1), position: z.string().optional() })).min(1),
  ]),
  promptText: promptText.optional(),
  ratio: ratio.optional(),
  duration: duration.optional(),
});

const TextToImageSchema = z.looseObject({
  model: z.string().min(1),
  promptText,
  ratio: ratio.optional(),
});

const VideoToVideoSchema = z.looseObject({
  model: z.string().min(1),
  videoUri: z.string().min(1),
  promptText: promptText.optional(),
  seed: z.number().int().min(0).max(4_294_967_295).optional(),
});

type Endpoint = 'text_to_video' | 'image_to_video' | 'text_to_image' | 'video_to_video';

const SCHEMAS: Record<Endpoint, z.ZodType<Record<string, unknown>>> = {
  text_to_video: TextToVideoSchema,
  image_to_video: ImageToVideoSchema,
  text_to_image: TextToImageSchema,
  video_to_video: VideoToVideoSchema,
};

/** Credits per second of video (images: per image), for the cost fields the SDK types carry. */
// aleph2 at Aleph's 15 credits per second (src/catalog/edits.ts; unconfirmed for Aleph 2.0).
const VIDEO_CREDITS_PER_SECOND: Record<string, number> = { gen4_turbo: 5, 'gen4.5': 12, veo3: 40, 'veo3.1': 40, 'veo3.1_fast': 15, aleph2: 15 };
const IMAGE_CREDITS: Record<string, number> = { gen4_image: 5, gen4_image_turbo: 2 };

export function registerRunwayRoutes(app: FastifyInstance, context: SimContext): void {
  for (const endpoint of Object.keys(SCHEMAS) as Endpoint[]) {
    app.post(`/v1/${endpoint}`, async (request, reply) => {
      const denied = checkHeaders(request, reply);
      if (denied) return denied;
      const parsed = SCHEMAS[endpoint].safeParse(request.body);
      if (!parsed.success) return validationFailed(reply, parsed.error);
      const body = parsed.data;
      // Models, ratios, durations and prompt lengths Runway refuses: the adapter's own rule table.
      const violation = checkRunwayCreate(endpoint, body);
      if (violation) return validationIssue(reply, violation.field, violation.message);
      const prompt = typeof body.promptText === 'string' ? body.promptText : '';
      const edit = await editMedia(context, endpoint, prompt, body);
      if (edit !== undefined && !edit.ok) return validationIssue(reply, edit.field, edit.message);
      const result = submitGeneration(context, {
        api: 'runway',
        provider: 'runway',
        prompt,
        request: body,
        media: [edit?.media ?? mediaSpec(endpoint, prompt, body)],
      });
      if (result.kind === 'fault') return answerTransportFault(context, result.fault, reply, errorBody);
      return { id: result.task.id, estimatedCost: { credits: credits(result.task) } };
    });
  }

  app.get<{ Params: { id: string } }>('/v1/tasks/:id', async (request, reply) => {
    const denied = checkHeaders(request, reply);
    if (denied) return denied;
    const task = context.tasks.get('runway', request.params.id);
    if (task === undefined) return reply.code(404).send(errorBody(404, 'Task not found'));
    context.counts.count('runway', 'polls');
    return taskBody(context, task, await context.tasks.outcome(task));
  });

  app.delete<{ Params: { id: string } }>('/v1/tasks/:id', async (request, reply) => {
    const denied = checkHeaders(request, reply);
    if (denied) return denied;
    const task = context.tasks.get('runway', request.params.id);
    if (task === undefined) return reply.code(404).send(errorBody(404, 'Task not found'));
    context.counts.count('runway', 'cancels');
    // Runway cancels a task that is still working and deletes one that has finished.
    if (context.tasks.phase(task) === 'done' || task.cancelled) task.deleted = true;
    else task.cancelled = true;
    return reply.code(204).send();
  });
}

/**
 * An edit: video-to-video's clip, or text-to-image's first reference image, read as Runway reads
 * it (an https URL it downloads, or a data URI up to 5 MB) and repainted where the prompt names.
 */
async function editMedia(
  context: SimContext,
  endpoint: Endpoint,
  prompt: string,
  body: Record<string, unknown>,
): Promise<{ ok: true; media: MediaSpec } | { ok: false; field: string; message: string } | undefined> {
  const kind = endpoint === 'video_to_video' ? 'video' : 'image';
  const references = Array.isArray(body.referenceImages) ? (body.referenceImages as { uri: string }[]) : [];
  const field = endpoint === 'video_to_video' ? 'videoUri' : 'referenceImages.0.uri';
  const uri = endpoint === 'video_to_video' ? String(body.videoUri) : endpoint === 'text_to_image' ? references[0]?.uri : undefined;
  if (uri === undefined) return undefined;
  const limits = editEndpoint('runway', kind);
  const source = await readEditSource(context, uri, limits?.dataUriMaxBytes ?? 0);
  if (!source.ok) return { ok: false, field, message: `Invalid asset: ${source.message}` };
  if (!source.mediaType.startsWith(`${kind}/`)) return { ok: false, field, message: `Invalid asset: ${source.mediaType} is not a ${kind}` };
  const seconds = source.generation?.durationSeconds;
  if (kind === 'video' && seconds !== undefined && limits?.maxSourceSeconds !== undefined && seconds > limits.maxSourceSeconds) {
    return { ok: false, field, message: `Invalid asset: the video is ${seconds} s long; at most ${limits.maxSourceSeconds} s are taken` };
  }
  const fallback = kind === 'video' ? { ...videoSize('1280:720'), durationSeconds: 5 } : { ...imageSizeFromRatio(body.ratio, { width: 1280, height: 720 }), durationSeconds: 0 };
  const media = editedMedia(context, source, { provider: 'runway', instruction: prompt, kind, fallback });
  await rememberEdit(context, source, media);
  return { ok: true, media };
}

function mediaSpec(endpoint: Endpoint, prompt: string, body: Record<string, unknown>): MediaSpec {
  if (endpoint === 'text_to_image') {
    return { prompt, kind: 'image', ...imageSizeFromRatio(body.ratio, { width: 1280, height: 720 }), durationSeconds: 0 };
  }
  return { prompt, kind: 'video', ...videoSize(body.ratio ?? '1280:720'), durationSeconds: durationSeconds(body.duration) };
}

function taskBody(context: SimContext, task: SimTask, outcome: TaskOutcome) {
  const base = { id: task.id, createdAt: task.createdAt.toISOString() };
  const estimatedCost = { credits: credits(task) };
  switch (outcome.state) {
    case 'queued':
      return { ...base, status: 'PENDING', estimatedCost };
    case 'running':
      return { ...base, status: 'RUNNING', progress: Math.round(outcome.progress * 100) / 100, estimatedCost };
    case 'cancelled':
      return { ...base, status: 'CANCELLED', cost: { credits: 0 } };
    case 'refused':
      return {
        ...base,
        status: 'FAILED',
        failure: 'The prompt did not pass our content moderation.',
        failureCode: 'SAFETY.INPUT.TEXT',
        cost: { credits: 0 },
      };
    case 'failed':
      // Codes as https://docs.dev.runwayml.com/api-details/task-failures names them.
      return {
        ...base,
        status: 'FAILED',
        failure: outcome.message,
        failureCode: outcome.stage === 'moderation' ? 'INPUT_PREPROCESSING.INTERNAL' : 'INTERNAL.BAD_OUTPUT.CODE01',
        cost: { credits: 0 },
      };
    case 'succeeded':
      return {
        ...base,
        status: 'SUCCEEDED',
        output: outcome.files.map((_, index) => fileUrl(context, context.tasks.fileName(task, index))),
        cost: { credits: credits(task) },
      };
  }
}

function credits(task: SimTask): number {
  const model = String(task.request.model);
  const spec = task.media[0];
  if (spec.kind === 'image') return IMAGE_CREDITS[model] ?? 5;
  return (VIDEO_CREDITS_PER_SECOND[model] ?? 5) * spec.durationSeconds;
}

/** Runway wants a bearer key and an API version on every call; the SDK sends both. */
function checkHeaders(request: FastifyRequest, reply: FastifyReply): FastifyReply | undefined {
  const authorization = request.headers.authorization;
  if (typeof authorization !== 'string' || !/^Bearer\s+\S+/.test(authorization)) {
    return reply.code(401).send(errorBody(401, 'Invalid or missing API key: send Authorization: Bearer <key>'));
  }
  const version = request.headers['x-runway-version'];
  if (typeof version !== 'string' || version.trim() === '') {
    return reply.code(400).send(errorBody(400, 'The X-Runway-Version header is required (for example 2024-11-06)'));
  }
  return undefined;
}

function validationIssue(reply: FastifyReply, field: string, message: string) {
  const issues = [{ code: 'custom', path: field.split('.'), message }];
  return reply.code(400).send({ error: 'Validation of body failed', issues, docUrl: DOC_URL });
}

function validationFailed(reply: FastifyReply, error: z.ZodError) {
  const issues = error.issues.map((issue) => ({ code: issue.code, path: issue.path, message: issue.message }));
  return reply.code(400).send({ error: 'Validation of body failed', issues, docUrl: DOC_URL });
}

export function errorBody(_status: number, message: string) {
  return { error: message };
}
