import sharp from 'sharp';
import { CLAUDE_IMAGE_TIERS, claudeImageTokens, type ImageTier } from '../catalog/limits/anthropic';

const PIXELS_PER_TOKEN: Record<ImageTier, number> = { standard: 750, high: 28 * 28 };

/** The largest size a model of `tier` reads unresized, keeping the aspect ratio; never enlarges. */
export function fitForModel(size: PixelSize, tier: ImageTier): PixelSize {
  const { width, height } = size;
  const limits = CLAUDE_IMAGE_TIERS[tier];
  const fits = (candidate: PixelSize) =>
    Math.max(candidate.width, candidate.height) <= limits.maxLongEdgePx &&
    claudeImageTokens(tier, candidate.width, candidate.height) <= limits.maxImageTokens;
  if (fits(size)) return { width, height };
  // Start from the scale both caps allow in the continuous limit, then step down while rounding
  // (patches round up) still puts the image over a cap.
  let scale = Math.min(
    1,
    limits.maxLongEdgePx / Math.max(width, height),
    Math.sqrt((limits.maxImageTokens * PIXELS_PER_TOKEN[tier]) / (width * height)),
  );
  // Flooring keeps the result inside the limits; the tiny allowance stops 1568/6000 × 6000 =
  // 1567.9999… from losing a pixel.
  const side = (length: number, factor: number) => Math.max(1, Math.floor(length * factor + 1e-6));
  let candidate = { width: side(width, scale), height: side(height, scale) };
  while (!fits(candidate)) {
    scale *= 0.999;
    candidate = { width: side(width, scale), height: side(height, scale) };
  }
  return candidate;
}

export interface PixelSize {
  width: number;
  height: number;
}

export interface ModelImage {
  data: Buffer;
  mediaType: 'image/jpeg';
  width: number;
  height: number;
  originalWidth: number;
  originalHeight: number;
}

// JPEG at this quality is visually lossless for judging and a fraction of PNG's size, which
// keeps four 1080p frames far below the 32 MB request limit.
const JPEG_QUALITY = 85;

/** Decodes the whole image (a truncated file fails here) and re-encodes it at the size `tier` reads. */
export async function resizeForModel(input: Buffer | string, tier: ImageTier): Promise<ModelImage> {
  // rotate() with no angle applies the EXIF orientation, so the model sees what a person sees.
  const { data: upright, info } = await sharp(input, { failOn: 'error' }).rotate().raw().toBuffer({ resolveWithObject: true });
  const target = fitForModel({ width: info.width, height: info.height }, tier);
  const data = await sharp(upright, { raw: { width: info.width, height: info.height, channels: info.channels } })
    .resize(target.width, target.height, { fit: 'fill' })
    // Transparent areas would turn black in JPEG and read as a dark, broken frame.
    .flatten({ background: '#ffffff' })
    .jpeg({ quality: JPEG_QUALITY })
    .toBuffer();
  return {
    data,
    mediaType: 'image/jpeg',
    width: target.width,
    height: target.height,
    originalWidth: info.width,
    originalHeight: info.height,
  };
}
