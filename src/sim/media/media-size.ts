/** Pixel sizes for generated media: real aspect ratios at sizes small enough to render fast. */

export interface PixelSize {
  width: number;
  height: number;
}

/** 640×360 for 16:9: the smallest frame providers deliver on purpose, and fast to render. */
const VIDEO_SHORT_SIDE = 360;
const VIDEO_LONG_SIDE_CAP = 1280;
const IMAGE_LONG_SIDE_CAP = 1280;
const IMAGE_SIDE_LIMIT = 2048;

/** "16:9", "1280:720" or "9:16" → a frame whose short side is 360 px (H.264 wants even sides). */
export function videoSize(ratio: unknown): PixelSize {
  const parsed = parseRatio(ratio) ?? { width: 16, height: 9 };
  const scale = Math.min(
    VIDEO_SHORT_SIDE / Math.min(parsed.width, parsed.height),
    VIDEO_LONG_SIDE_CAP / Math.max(parsed.width, parsed.height),
  );
  return { width: even(parsed.width * scale), height: even(parsed.height * scale) };
}

/** An image of the asked ratio ("1920:1080"), no larger than 1280 px on the long side. */
export function imageSizeFromRatio(ratio: unknown, fallback: PixelSize): PixelSize {
  const parsed = parseRatio(ratio);
  if (parsed === undefined) return fallback;
  const longSide = Math.min(IMAGE_LONG_SIDE_CAP, Math.max(parsed.width, parsed.height));
  return scaleToLongSide(parsed, longSide);
}

/** Explicit width and height when both are sensible numbers; otherwise the fallback. */
export function explicitImageSize(width: unknown, height: unknown, fallback: PixelSize): PixelSize {
  if (!isSide(width) || !isSide(height)) return fallback;
  return { width: Math.round(width), height: Math.round(height) };
}

/** fal's named image sizes (research/providers.md), default landscape_4_3. */
export function falImageSize(value: unknown): PixelSize {
  if (typeof value === 'object' && value !== null) {
    const { width, height } = value as { width?: unknown; height?: unknown };
    return explicitImageSize(width, height, FAL_SIZES.landscape_4_3);
  }
  if (typeof value === 'string' && value in FAL_SIZES) return FAL_SIZES[value];
  return FAL_SIZES.landscape_4_3;
}

const FAL_SIZES: Record<string, PixelSize> = {
  square_hd: { width: 1024, height: 1024 },
  square: { width: 512, height: 512 },
  portrait_4_3: { width: 768, height: 1024 },
  portrait_16_9: { width: 576, height: 1024 },
  landscape_4_3: { width: 1024, height: 768 },
  landscape_16_9: { width: 1024, height: 576 },
};

export function isFalImageSizeName(value: string): boolean {
  return value in FAL_SIZES;
}

function parseRatio(ratio: unknown): PixelSize | undefined {
  if (typeof ratio !== 'string') return undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*:\s*(\d+(?:\.\d+)?)\s*$/.exec(ratio);
  if (!match) return undefined;
  const width = Number(match[1]);
  const height = Number(match[2]);
  return width > 0 && height > 0 ? { width, height } : undefined;
}

function scaleToLongSide(ratio: PixelSize, longSide: number): PixelSize {
  const scale = longSide / Math.max(ratio.width, ratio.height);
  return { width: even(ratio.width * scale), height: even(ratio.height * scale) };
}

function isSide(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 16 && value <= IMAGE_SIDE_LIMIT;
}

function even(value: number): number {
  return Math.max(2, Math.round(value / 2) * 2);
}
