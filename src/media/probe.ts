import { execFile } from 'node:child_process';
import sharp, { type Metadata } from 'sharp';
import { z } from 'zod';
import { ffprobePath } from './ffmpeg';

/** What a file is, read from its own bytes (never from a file name or a Content-Type header). */
export interface MediaProbe {
  kind: 'image' | 'video';
  mediaType: string;
  /** The extension the asset store keys it under. */
  extension: string;
  width?: number;
  height?: number;
  durationSeconds?: number;
}

/** The file is not an image or video we accept; retrying the same bytes cannot change that. */
export class MediaProbeError extends Error {
  override readonly name = 'MediaProbeError';
}

const IMAGE_FORMATS: Readonly<Record<string, { mediaType: string; extension: string }>> = {
  png: { mediaType: 'image/png', extension: 'png' },
  jpeg: { mediaType: 'image/jpeg', extension: 'jpg' },
  webp: { mediaType: 'image/webp', extension: 'webp' },
  gif: { mediaType: 'image/gif', extension: 'gif' },
};

// Only container demuxers may open the file: a "video" that is really an HLS or concat playlist
// would otherwise make ffprobe read other local files or URLs on our behalf.
const VIDEO_DEMUXERS = 'mov,mp4,m4a,3gp,3g2,mj2,matroska,webm';
const FFPROBE_TIMEOUT_MS = 30_000;

/**
 * Reads headers only (sharp for images, ffprobe for video), so it is cheap on a 500 MB clip;
 * deeper checks (black or frozen frames) belong to analysis. Throws MediaProbeError for a file
 * that is neither an accepted image nor an accepted video.
 */
export async function probeMedia(filePath: string): Promise<MediaProbe> {
  const image = await probeImage(filePath);
  if (image) return image;
  return probeVideo(filePath);
}

async function probeImage(filePath: string): Promise<MediaProbe | undefined> {
  let metadata: Metadata;
  try {
    metadata = await sharp(filePath).metadata();
  } catch {
    return undefined; // not an image libvips knows; it may still be a video
  }
  const format = IMAGE_FORMATS[metadata.format];
  if (!format) {
    if (metadata.format === 'heif' && metadata.compression === 'av1') {
      return imageProbe({ mediaType: 'image/avif', extension: 'avif' }, metadata);
    }
    // SVG, PDF, TIFF and friends decode, but are not what a generation provider should send, and
    // an SVG served from our own origin could carry script.
    throw new MediaProbeError(`Unsupported image format: ${metadata.format}`);
  }
  return imageProbe(format, metadata);
}

function imageProbe(format: { mediaType: string; extension: string }, metadata: Metadata): MediaProbe {
  // Dimensions as displayed: a portrait photo stored sideways with an EXIF orientation is portrait.
  const oriented = metadata.autoOrient ?? { width: metadata.width, height: metadata.height };
  return { kind: 'image', ...format, width: oriented.width, height: oriented.height };
}

const FfprobeOutputSchema = z.object({
  streams: z
    .array(
      z.object({
        codec_type: z.string().optional(),
        codec_name: z.string().optional(),
        width: z.number().optional(),
        height: z.number().optional(),
        duration: z.string().optional(),
        disposition: z.object({ attached_pic: z.number().optional() }).partial().optional(),
        tags: z.record(z.string(), z.string()).optional(),
        side_data_list: z.array(z.object({ rotation: z.number().optional() }).passthrough()).optional(),
      }),
    )
    .default([]),
  format: z
    .object({
      format_name: z.string().optional(),
      duration: z.string().optional(),
      tags: z.record(z.string(), z.string()).optional(),
    })
    .optional(),
});
type FfprobeOutput = z.infer<typeof FfprobeOutputSchema>;

async function probeVideo(filePath: string): Promise<MediaProbe> {
  const output = await runFfprobe(filePath);
  const stream = output.streams.find((candidate) => candidate.codec_type === 'video' && candidate.disposition?.attached_pic !== 1);
  if (!stream || !stream.width || !stream.height) throw new MediaProbeError('The file has no video stream');
  const durationSeconds = positiveNumber(output.format?.duration) ?? positiveNumber(stream.duration);
  if (durationSeconds === undefined) throw new MediaProbeError('The video has no duration');
  const quarterTurn = Math.abs(rotationOf(stream)) % 180 === 90;
  return {
    kind: 'video',
    ...containerOf(output, stream.codec_name),
    width: quarterTurn ? stream.height : stream.width,
    height: quarterTurn ? stream.width : stream.height,
    durationSeconds,
  };
}

function containerOf(output: FfprobeOutput, codec: string | undefined): { mediaType: string; extension: string } {
  const formatName = output.format?.format_name ?? '';
  if (formatName.includes('mp4') || formatName.includes('mov')) {
    const brand = output.format?.tags?.major_brand?.trim();
    return brand === 'qt' ? { mediaType: 'video/quicktime', extension: 'mov' } : { mediaType: 'video/mp4', extension: 'mp4' };
  }
  if (formatName.includes('matroska') || formatName.includes('webm')) {
    return codec && ['vp8', 'vp9', 'av1'].includes(codec)
      ? { mediaType: 'video/webm', extension: 'webm' }
      : { mediaType: 'video/x-matroska', extension: 'mkv' };
  }
  throw new MediaProbeError(`Unsupported video container: ${formatName || 'unknown'}`);
}

function rotationOf(stream: FfprobeOutput['streams'][number]): number {
  const fromSideData = stream.side_data_list?.find((entry) => typeof entry.rotation === 'number')?.rotation;
  if (fromSideData !== undefined) return fromSideData;
  const fromTag = Number(stream.tags?.rotate);
  return Number.isFinite(fromTag) ? fromTag : 0;
}

function positiveNumber(value: string | undefined): number | undefined {
  const parsed = value === undefined ? NaN : Number(value);
  return Number.isFinite(parsed) && parsed > 0 ? parsed : undefined;
}

function runFfprobe(filePath: string): Promise<FfprobeOutput> {
  const args = [
    '-v', 'error',
    '-protocol_whitelist', 'file',
    '-format_whitelist', VIDEO_DEMUXERS,
    '-print_format', 'json',
    '-show_format', '-show_streams',
    // file: keeps a path that starts with a dash or holds a colon from reading as an option or protocol.
    `file:${filePath}`,
  ];
  return new Promise((resolve, reject) => {
    execFile(ffprobePath(), args, { timeout: FFPROBE_TIMEOUT_MS, maxBuffer: 4 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) {
        // A missing or broken ffprobe is our fault, not the file's: let it surface as retryable.
        if ((error as NodeJS.ErrnoException).code === 'ENOENT' || error.killed) {
          reject(new Error(`ffprobe could not run: ${error.message}`));
          return;
        }
        reject(new MediaProbeError(`Not a decodable image or video: ${firstLine(stderr) || error.message}`));
        return;
      }
      try {
        resolve(FfprobeOutputSchema.parse(JSON.parse(stdout)));
      } catch {
        reject(new MediaProbeError('ffprobe returned output that could not be read'));
      }
    });
  });
}

function firstLine(text: string): string {
  return text.split('\n').find((line) => line.trim() !== '')?.trim() ?? '';
}
