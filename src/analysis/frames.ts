import { ffmpegPath } from '../media/ffmpeg';
import type { ImageTier } from '../catalog/limits/anthropic';
import { resizeForModel, type ModelImage } from './resize-for-model';
import { lastLine, localInput, runProcess } from './run-process';

export interface VideoFrame {
  /** Seconds from the start of the clip. */
  timeSeconds: number;
  image: ModelImage;
}

/**
 * Evenly spaced sample times, each in the middle of its share of the clip: the first and last
 * frames (often fades, or the provider's still seed) are never the only evidence. `shift` (from
 * -0.5 to 0.5 of a share) moves every frame within its share: another view of the same clip.
 */
export function frameTimes(durationSeconds: number, count: number, shift = 0): number[] {
  if (!(durationSeconds > 0)) throw new RangeError(`duration must be above 0, got ${durationSeconds}`);
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`frame count must be a whole number >= 1, got ${count}`);
  if (!(shift >= -0.5 && shift <= 0.5)) throw new RangeError(`frame shift must be from -0.5 to 0.5, got ${shift}`);
  // A frame exactly at the end of the clip does not decode; the last share keeps a millisecond.
  return Array.from({ length: count }, (_, index) => Math.min(round3((durationSeconds * (index + 0.5 + shift)) / count), round3(durationSeconds - 0.001)));
}

/** One frame per time, each decoded by ffmpeg to PNG and resized for a model of `tier`. */
export async function extractFrames(path: string, times: number[], tier: ImageTier): Promise<VideoFrame[]> {
  const frames: VideoFrame[] = [];
  // One at a time: the machine's cores are shared with the rest of the worker.
  for (const timeSeconds of times) {
    const png = await extractFramePng(path, timeSeconds);
    frames.push({ timeSeconds, image: await resizeForModel(png, tier) });
  }
  return frames;
}

async function extractFramePng(path: string, timeSeconds: number): Promise<Buffer> {
  // -ss before -i seeks on the demuxer (fast) and then decodes to the exact time.
  const output = await runProcess(ffmpegPath(), [
    '-hide_banner',
    '-v',
    'error',
    '-ss',
    timeSeconds.toFixed(3),
    ...localInput(path),
    '-frames:v',
    '1',
    '-an',
    '-f',
    'image2pipe',
    '-c:v',
    'png',
    'pipe:1',
  ]);
  if (output.exitCode !== 0 || output.stdout.length === 0) {
    throw new FrameExtractionError(`no frame at ${timeSeconds.toFixed(2)} s (${lastLine(output.stderr)})`);
  }
  return output.stdout;
}

export class FrameExtractionError extends Error {
  override readonly name = 'FrameExtractionError';
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
