import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { PROVIDER_NAMES } from '../../domain/provider';
import type { Generation } from '../generated-files';
import { fingerprint } from '../judge/prompt-cache';
import { trueQualityFor } from '../judge/quality-model';
import { madeFromKey } from '../judge/request-identity';
import { simulatedReview } from '../judge/reviewer';
import type { SimContext } from '../sim-context';
import { describeIssues } from './zod-issues';

/** A stored asset is at most a short clip; anything larger is not one of ours. */
const MAX_DOWNLOAD_BYTES = 256 * 1024 * 1024;
const DOWNLOAD_TIMEOUT_MS = 30_000;

const ContentTypeSchema = z.string().trim().min(1, 'contentType must be a non-empty name').toLowerCase();

/**
 * Body of POST /_sim/review: an asset by URL (a file this simulator generated, or a byte-identical
 * copy of one, such as the product's stored asset), or an asset described by the prompt it was
 * made from. `contentType` picks the reviewer's bar when the simulator's analyses did not name one.
 */
const ReviewRequestSchema = z.union([
  z
    .object({
      assetUrl: z.url({ protocol: /^https?$/, error: 'assetUrl must be an http(s) URL' }),
      contentType: ContentTypeSchema.optional(),
    })
    .strict(),
  z
    .object({
      prompt: z.string().trim().min(1, 'prompt must be a non-empty string'),
      contentType: ContentTypeSchema,
      visualDirection: z.string().trim().min(1).optional(),
      provider: z.enum(PROVIDER_NAMES).optional(),
    })
    .strict(),
]);

/**
 * The simulated reviewer over HTTP, for tests that play a person (CONTRACT.md "The simulator"):
 * `{ approve, trueQuality, bar, contentType, judged }`. The true quality is the one the simulated
 * judge worked from when it analysed the asset (`judged: true`), else the simulator's model of
 * the prompt's words. Each call is one review: a fresh draw of the reviewer's noise, seeded.
 */
export function registerReviewRoutes(app: FastifyInstance, context: SimContext): void {
  app.post('/_sim/review', async (request, reply) => {
    const parsed = ReviewRequestSchema.safeParse(request.body);
    if (!parsed.success) {
      return reply.code(400).send({
        error: `Invalid review request: ${describeIssues(parsed.error)}; send { "assetUrl" } or { "prompt", "contentType" }`,
      });
    }
    const body = parsed.data;
    let generation: Pick<Generation, 'prompt' | 'mark'>;
    if ('assetUrl' in body) {
      const found = await findGeneration(context, body.assetUrl);
      if (!found.ok) return reply.code(found.status).send({ error: found.error });
      generation = found.generation;
    } else {
      // Without the provider profile the judge sees no provider, so neither does the reviewer.
      generation = { prompt: body.prompt, mark: context.settings.providerProfile ? body.provider : undefined };
    }

    const key = madeFromKey(generation.prompt, generation.mark);
    const judged = context.judgeMemory.judgedMadeFrom(key);
    const contentType = body.contentType ?? judged?.contentType;
    const trueQuality =
      judged?.trueQuality ??
      trueQualityFor({
        prompt: generation.prompt,
        provider: generation.mark,
        contentType,
        visualDirection: 'visualDirection' in body ? body.visualDirection : undefined,
      });
    const settings = context.settings;
    const rng = context.judgeMemory.rngFor(settings.seed, fingerprint(['review', key]));
    const review = simulatedReview(trueQuality, contentType, { bars: settings.reviewerBars, sigma: settings.reviewerSigma }, rng);
    return { approve: review.approve, trueQuality, bar: review.bar, contentType: contentType ?? null, judged: judged !== undefined };
  });
}

type Found = { ok: true; generation: Generation } | { ok: false; status: number; error: string };

/** The generation behind a URL: one of our own file URLs directly, any other by its bytes. */
async function findGeneration(context: SimContext, url: string): Promise<Found> {
  const ownPrefix = `${context.baseUrl()}/_sim/files/`;
  if (url.startsWith(ownPrefix)) {
    const resolved = context.tasks.resolveFileName(url.slice(ownPrefix.length));
    if (resolved === undefined) return { ok: false, status: 404, error: `no such file: ${url}` };
    const { task, index } = resolved;
    return { ok: true, generation: { prompt: task.prompt, provider: task.provider, mark: task.media[index]?.mark } };
  }
  let bytes: Buffer;
  try {
    bytes = await download(url);
  } catch (error) {
    return { ok: false, status: 502, error: `could not download ${url}: ${(error as Error).message}` };
  }
  const generation = await context.generated.findBySha256(createHash('sha256').update(bytes).digest('hex'));
  if (generation === undefined) {
    return { ok: false, status: 404, error: `no file this simulator generated has the bytes at ${url}: it can review only its own outputs` };
  }
  return { ok: true, generation };
}

async function download(url: string): Promise<Buffer> {
  const response = await fetch(url, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS), redirect: 'follow' });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > MAX_DOWNLOAD_BYTES) throw new Error(`${declared} bytes is more than ${MAX_DOWNLOAD_BYTES}`);
  const bytes = Buffer.from(await response.arrayBuffer());
  if (bytes.length > MAX_DOWNLOAD_BYTES) throw new Error(`${bytes.length} bytes is more than ${MAX_DOWNLOAD_BYTES}`);
  return bytes;
}
