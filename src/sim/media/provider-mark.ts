import sharp from 'sharp';
import { PROVIDER_NAMES, type ProviderName } from '../../domain/provider';

/**
 * The provider's signature on a simulated render: a strip of six square cells in the lower
 * right corner, light or dark — a light and a dark cell to find it, three bits of the provider's
 * index in PROVIDER_NAMES, and a parity bit. Cells are 3 % of the short side, so the strip
 * survives what the product does before judging (resizing to the model's size, JPEG at quality
 * 85, H.264 for clips) and is read back from the judged frames by geometry relative to the frame,
 * whatever size it was shown at. Only renders made with the `providerProfile` setting carry it.
 */

const CELLS = 6;
const CELL_SHARE = 0.03;
const LIGHT = 235;
const DARK = 20;
/** Below this cell size a strip would not survive resizing: too small to mark or read. */
const MIN_CELL_PX = 4;

export interface MarkCell {
  x: number;
  y: number;
  width: number;
  height: number;
  light: boolean;
}

interface Geometry {
  cell: number;
  /** Left edge of the first cell and top edge of the strip, in pixels (fractional). */
  left: number;
  top: number;
}

function geometry(width: number, height: number): Geometry | undefined {
  const cell = Math.min(width, height) * CELL_SHARE;
  if (cell < MIN_CELL_PX) return undefined;
  return { cell, left: width - cell * (CELLS + 1), top: height - cell * 2 };
}

function bitsOf(provider: ProviderName): boolean[] {
  const index = PROVIDER_NAMES.indexOf(provider);
  const bits = [(index & 4) !== 0, (index & 2) !== 0, (index & 1) !== 0];
  const parity = bits.filter(Boolean).length % 2 === 1;
  return [true, false, ...bits, parity];
}

/** The cells to paint for a frame of this size, in whole pixels; empty when the frame is too small. */
export function markCells(provider: ProviderName, width: number, height: number): MarkCell[] {
  const place = geometry(width, height);
  if (place === undefined) return [];
  const top = Math.round(place.top);
  const cellHeight = Math.round(place.top + place.cell) - top;
  return bitsOf(provider).map((light, index) => {
    const x = Math.round(place.left + index * place.cell);
    return { x, y: top, width: Math.round(place.left + (index + 1) * place.cell) - x, height: cellHeight, light };
  });
}

/** Paints the strip into raw RGB pixels (3 channels, row-major). */
export function paintMark(pixels: Buffer, width: number, height: number, provider: ProviderName): void {
  for (const cell of markCells(provider, width, height)) {
    const value = cell.light ? LIGHT : DARK;
    for (let y = cell.y; y < cell.y + cell.height && y < height; y++) {
      for (let x = cell.x; x < cell.x + cell.width && x < width; x++) {
        const offset = (y * width + x) * 3;
        pixels[offset] = value;
        pixels[offset + 1] = value;
        pixels[offset + 2] = value;
      }
    }
  }
}

/** ffmpeg drawbox filters that paint the strip on every frame of a clip of this size. */
export function markFilters(provider: ProviderName, width: number, height: number): string[] {
  return markCells(provider, width, height).map((cell) => {
    const color = cell.light ? `0x${LIGHT.toString(16).repeat(3)}` : `0x${DARK.toString(16).padStart(2, '0').repeat(3)}`;
    return `drawbox=x=${cell.x}:y=${cell.y}:w=${cell.width}:h=${cell.height}:color=${color}:t=fill`;
  });
}

/**
 * The provider whose strip the image carries, or undefined when it carries none (an image from
 * elsewhere, or a render made without `providerProfile`). Each cell is read by the mean grey of
 * its middle half, so a pixel or two of misalignment after resizing does not matter.
 */
export async function readProviderMark(bytes: Buffer, size?: { width: number; height: number }): Promise<ProviderName | undefined> {
  const { width, height } = size ?? (await sharp(bytes).metadata());
  if (!width || !height) return undefined;
  const place = geometry(width, height);
  if (place === undefined) return undefined;
  // Only the strip's rows and columns are converted and copied out.
  const left = Math.max(0, Math.floor(place.left));
  const top = Math.max(0, Math.floor(place.top));
  const region = { left, top, width: Math.min(width - left, Math.ceil(place.cell * CELLS) + 1), height: Math.min(height - top, Math.ceil(place.cell) + 1) };
  const { data, info } = await sharp(bytes).extract(region).greyscale().raw().toBuffer({ resolveWithObject: true });
  const bits: boolean[] = [];
  for (let index = 0; index < CELLS; index++) {
    const x0 = Math.ceil(place.left + (index + 0.25) * place.cell) - left;
    const x1 = Math.floor(place.left + (index + 0.75) * place.cell) - left;
    const y0 = Math.ceil(place.top + 0.25 * place.cell) - top;
    const y1 = Math.floor(place.top + 0.75 * place.cell) - top;
    let total = 0;
    let count = 0;
    for (let y = Math.max(0, y0); y <= Math.min(info.height - 1, y1); y++) {
      for (let x = Math.max(0, x0); x <= Math.min(info.width - 1, x1); x++) {
        total += data[(y * info.width + x) * info.channels];
        count += 1;
      }
    }
    const mean = count === 0 ? 128 : total / count;
    if (mean > 190) bits.push(true);
    else if (mean < 65) bits.push(false);
    else return undefined;
  }
  const [light, dark, b2, b1, b0, parity] = bits;
  if (!light || dark) return undefined;
  if ([b2, b1, b0].filter(Boolean).length % 2 === 1 !== parity) return undefined;
  const index = (b2 ? 4 : 0) + (b1 ? 2 : 0) + (b0 ? 1 : 0);
  return PROVIDER_NAMES[index];
}

/** The provider most of an asset's frames carry, or undefined when none carries a mark. */
export function majorityProvider(marks: readonly (ProviderName | undefined)[]): ProviderName | undefined {
  const tally = new Map<ProviderName, number>();
  for (const mark of marks) if (mark !== undefined) tally.set(mark, (tally.get(mark) ?? 0) + 1);
  let best: ProviderName | undefined;
  let bestCount = 0;
  for (const [provider, count] of tally) {
    if (count > bestCount) {
      best = provider;
      bestCount = count;
    }
  }
  return best;
}
