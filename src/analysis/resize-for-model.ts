import sharp from 'sharp';

/**
 * Claude downsizes anything with a long edge over 1568 px or more than about 1.15 megapixels
 * (research/providers.md §4): sending more only adds upload time and latency, never detail.
 */
export const MODEL_IMAGE_LIMITS = { maxLongEdgePx: 1568, maxPixels: 1_150_000 } as const;

/** Anthropic's published estimate of what one image costs in input tokens. */
export function estimateImageTokens(width: number, height: number): number {
  return Math.ceil((width * height) / 750);
}

export interface PixelSize {
  width: number;
  height: number;
}

/** The largest size within both limits that keeps the aspect ratio; never enlarges. */
export function fitForModel(size: PixelSize): PixelSize {
  const { width, height } = size;
  const scale = Math.min(
    1,
    MODEL_IMAGE_LIMITS.maxLongEdgePx / Math.max(width, height),
    Math.sqrt(MODEL_IMAGE_LIMITS.maxPixels / (width * height)),
  );
  if (scale >= 1) return { width, height };
  // Flooring keeps the result inside the limits (rounding could step one pixel over); the tiny
  // allowance stops 1568/6000 × 6000 = 1567.9999… from losing a pixel.
  const side = (length: number) => Math.max(1, Math.floor(length * scale + 1e-6));
  return { width: side(width), height: side(height) };
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

/** Decodes the whole image (a truncated file fails here) and re-encodes it at the model's size. */
export async function resizeForModel(input: Buffer | string): Promise<ModelImage> {
  // rotate() with no angle applies the EXIF orientation, so the model sees what a person sees.
  const { data: upright, info } = await sharp(input, { failOn: 'error' }).rotate().raw().toBuffer({ resolveWithObject: true });
  const target = fitForModel({ width: info.width, height: info.height });
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
