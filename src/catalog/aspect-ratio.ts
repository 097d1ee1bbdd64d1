/** Width over height of "16:9", "1280:720" or "16x9"; anything unreadable counts as 16:9. */
export function parseAspectRatio(aspectRatio: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*[:x/]\s*(\d+(?:\.\d+)?)\s*$/i.exec(aspectRatio);
  if (!match) return 16 / 9;
  const width = Number(match[1]);
  const height = Number(match[2]);
  return width > 0 && height > 0 ? width / height : 16 / 9;
}

/** The option whose shape is closest to the wanted one, compared on a log scale (2:1 is as far from 1:1 as 1:2). */
export function closestAspect<T extends string>(aspectRatio: string, options: readonly T[]): T {
  const wanted = Math.log(parseAspectRatio(aspectRatio));
  let best = options[0];
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const option of options) {
    const distance = Math.abs(Math.log(parseAspectRatio(option)) - wanted);
    if (distance < bestDistance) {
      best = option;
      bestDistance = distance;
    }
  }
  return best;
}

export interface SizeBounds {
  /** Shortest and longest side allowed. */
  min: number;
  max: number;
  maxPixels: number;
  /** Both sides are multiples of this. */
  multipleOf: number;
}

/**
 * The largest size in the wanted shape inside the bounds: the long side at most `max`, the area
 * at most `maxPixels`, the short side raised to `min` when the shape is extreme (then the shape
 * is as close as the bounds allow), both sides multiples of `multipleOf`.
 */
export function sizeForAspect(aspectRatio: string, bounds: SizeBounds): { width: number; height: number } {
  const ratio = parseAspectRatio(aspectRatio);
  // The height before snapping: the width is height × ratio.
  const scale = Math.min(bounds.max / Math.max(ratio, 1), Math.sqrt(bounds.maxPixels / ratio));
  const step = bounds.multipleOf;
  const snap = (length: number) => {
    const floored = Math.floor(length / step) * step;
    const low = Math.ceil(bounds.min / step) * step;
    const high = Math.floor(bounds.max / step) * step;
    return Math.min(high, Math.max(low, floored));
  };
  let width = snap(scale * ratio);
  let height = snap(scale);
  // Raising a short side to the minimum can push the area over; shrink the long side to fit.
  while (width * height > bounds.maxPixels) {
    if (width >= height) width -= step;
    else height -= step;
  }
  return { width, height };
}
