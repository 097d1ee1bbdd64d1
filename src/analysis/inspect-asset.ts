import type { ImageTier } from '../catalog/limits/anthropic';
import { extractFrames, frameTimes, FrameExtractionError } from './frames';
import { MediaUnreadableError, readMediaFacts, type MediaFacts } from './media-facts';
import { resizeForModel, type ModelImage } from './resize-for-model';
import {
  checkShape,
  framePixelFindings,
  imagePixelFindings,
  judgePixels,
  type TechnicalExpectation,
  type TechnicalFinding,
} from './technical-checks';
import { scanVideo, videoScanFindings } from './video-scan';

/** An image the judge is shown; video frames carry their time in the clip. */
export interface JudgeImage {
  image: ModelImage;
  timeSeconds?: number;
}

export interface Inspection {
  /** Absent when the file could not be read at all. */
  media?: MediaFacts;
  /** Empty when the asset passed every technical check. */
  findings: TechnicalFinding[];
  /** What to show the model; empty when findings already failed the asset. */
  images: JudgeImage[];
}

/**
 * Runs the technical checks and, when they pass, prepares what the model sees: the image
 * resized for a model of `tier`, or `frameCount` frames taken across the clip.
 */
export async function inspectAsset(
  path: string,
  expected: TechnicalExpectation,
  frameCount: number,
  tier: ImageTier,
  frameShift = 0,
): Promise<Inspection> {
  let media: MediaFacts;
  try {
    media = await readMediaFacts(path);
  } catch (error) {
    if (error instanceof MediaUnreadableError) return { findings: [decodeFinding(error.message)], images: [] };
    throw error;
  }
  const findings = checkShape(media, expected);
  if (findings.some((finding) => finding.check === 'kind')) return { media, findings, images: [] };
  return media.kind === 'image'
    ? inspectImage(path, media, findings, tier)
    : inspectVideo(path, media, findings, { frameCount, frameShift }, tier);
}

async function inspectImage(path: string, media: MediaFacts, findings: TechnicalFinding[], tier: ImageTier): Promise<Inspection> {
  let image: ModelImage;
  try {
    image = await resizeForModel(path, tier);
  } catch (error) {
    // The header read fine but the pixels do not: a truncated or damaged file.
    return { media, findings: [...findings, decodeFinding(describe(error))], images: [] };
  }
  const all = [...findings, ...imagePixelFindings(await judgePixels(image))];
  return { media, findings: all, images: all.length === 0 ? [{ image }] : [] };
}

async function inspectVideo(
  path: string,
  media: MediaFacts,
  findings: TechnicalFinding[],
  { frameCount, frameShift }: { frameCount: number; frameShift: number },
  tier: ImageTier,
): Promise<Inspection> {
  const duration = media.durationSeconds ?? 0;
  const scanFindings = videoScanFindings(await scanVideo(path, duration), duration);
  const all = [...findings, ...scanFindings];
  // Frames are only for the model; a clip already failed does not need them.
  if (all.length > 0) return { media, findings: all, images: [] };
  let frames;
  try {
    frames = await extractFrames(path, frameTimes(duration, frameCount, frameShift), tier);
  } catch (error) {
    if (error instanceof FrameExtractionError) return { media, findings: [decodeFinding(error.message)], images: [] };
    throw error;
  }
  const blank = framePixelFindings(await Promise.all(frames.map((frame) => judgePixels(frame.image))));
  if (blank.length > 0) return { media, findings: blank, images: [] };
  return { media, findings: [], images: frames.map((frame) => ({ image: frame.image, timeSeconds: frame.timeSeconds })) };
}

function decodeFinding(reason: string): TechnicalFinding {
  return { check: 'decode', severity: 'critical', description: `The asset does not decode: ${reason}` };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0].slice(0, 300) : String(error);
}
