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

/** Pixel size near `targetPixels` in the wanted shape, both sides multiples of 16 and never over the target. */
export function dimensionsForAspect(aspectRatio: string, targetPixels = 1024 * 1024): { width: number; height: number } {
  const ratio = parseAspectRatio(aspectRatio);
  const width = Math.floor(Math.sqrt(targetPixels * ratio) / 16) * 16;
  const height = Math.floor(Math.sqrt(targetPixels / ratio) / 16) * 16;
  return { width, height };
}
