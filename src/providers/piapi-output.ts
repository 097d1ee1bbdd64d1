import { z } from 'zod';

/**
 * Readers for the `output` object of a completed PiAPI task. Each model (and each Kling
 * version) puts its URL somewhere else, so every known place is read, loosely: unknown
 * fields are ignored and a missing URL is reported as undefined, not as a crash.
 */

const url = z.string().min(1);
const optionalUrl = url.optional().nullable().catch(undefined);

const KlingOutputSchema = z.object({
  video: optionalUrl, // Kling 3.0 and later: the URL itself
  video_url: optionalUrl, // 1.x / 2.x
  works: z
    .array(
      z.object({
        video: z
          .object({ resource_without_watermark: optionalUrl, resource: optionalUrl })
          .nullable()
          .optional(),
      }),
    )
    .nullable()
    .optional()
    .catch(undefined),
});

export function readKlingVideoUrl(output: unknown): string | undefined {
  const parsed = KlingOutputSchema.safeParse(output);
  if (!parsed.success) return undefined;
  const { video, video_url: videoUrl, works } = parsed.data;
  const firstWork = works?.[0]?.video;
  return video || videoUrl || firstWork?.resource_without_watermark || firstWork?.resource || undefined;
}

const LumaOutputSchema = z.object({
  video: z.object({ url: optionalUrl }).nullable().optional().catch(undefined),
  video_raw: z.object({ url: optionalUrl }).nullable().optional().catch(undefined),
  // An older shape nests the generation one level down.
  generation: z
    .object({ video: z.object({ url: optionalUrl }).nullable().optional() })
    .nullable()
    .optional()
    .catch(undefined),
});

export function readLumaVideoUrl(output: unknown): string | undefined {
  const parsed = LumaOutputSchema.safeParse(output);
  if (!parsed.success) return undefined;
  const { video, video_raw: videoRaw, generation } = parsed.data;
  return video?.url || videoRaw?.url || generation?.video?.url || undefined;
}

const HailuoOutputSchema = z.object({
  video_url: optionalUrl,
  download_url: optionalUrl,
  percent: z.number().optional().nullable().catch(undefined),
});

export function readHailuoVideoUrl(output: unknown): string | undefined {
  const parsed = HailuoOutputSchema.safeParse(output);
  if (!parsed.success) return undefined;
  return parsed.data.video_url || parsed.data.download_url || undefined;
}

/** Hailuo reports 0..100 while it works; the others report nothing useful. */
export function readHailuoProgress(output: unknown): number | undefined {
  const parsed = HailuoOutputSchema.safeParse(output);
  const percent = parsed.success ? parsed.data.percent : undefined;
  return typeof percent === 'number' && percent >= 0 && percent <= 100 ? percent / 100 : undefined;
}

const FluxOutputSchema = z.object({
  image_url: optionalUrl,
  image_urls: z.array(url).nullable().optional().catch(undefined),
});

export function readFluxImageUrl(output: unknown): string | undefined {
  const parsed = FluxOutputSchema.safeParse(output);
  if (!parsed.success) return undefined;
  return parsed.data.image_url || parsed.data.image_urls?.[0] || undefined;
}
