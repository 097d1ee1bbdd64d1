import sharp from 'sharp';
import type { IssueRegion } from '../../domain/analysis';

/**
 * A picture's coarse colours on a fixed grid: what survives the product's resizing and JPEG
 * encoding before it shows an image to the judge, so the simulator can tell which of its own
 * renders a judged image is. An edit is told from its source by the cells of the places it
 * changed, where they differ far more than the encoding moves them.
 */
export type PicturePrint = Uint8Array;

export const PRINT_GRID = 64;

export function picturePrint(bytes: Buffer): Promise<PicturePrint> {
  return printOf(sharp(bytes));
}

/** The print of decoded RGB pixels (a clip's frame), made by the same resize as an encoded picture's. */
export function rawPicturePrint(pixels: Buffer, width: number, height: number): Promise<PicturePrint> {
  return printOf(sharp(pixels, { raw: { width, height, channels: 3 } }));
}

async function printOf(picture: ReturnType<typeof sharp>): Promise<PicturePrint> {
  const data = await picture.removeAlpha().resize({ width: PRINT_GRID, height: PRINT_GRID, fit: 'fill' }).raw().toBuffer();
  return new Uint8Array(data);
}

/**
 * Mean squared difference per value, over the whole picture or over the cells whose centres lie
 * in `areas`: 0 for the same picture, a few units after resizing and JPEG.
 */
export function printDistance(a: PicturePrint, b: PicturePrint, areas?: readonly IssueRegion[]): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let total = 0;
  let count = 0;
  for (let cell = 0; cell < PRINT_GRID * PRINT_GRID; cell++) {
    if (areas !== undefined && !areas.some((area) => holds(area, cell))) continue;
    for (let channel = 0; channel < 3; channel++) total += (a[cell * 3 + channel] - b[cell * 3 + channel]) ** 2;
    count += 3;
  }
  return count === 0 ? 0 : total / count;
}

/**
 * The whole-picture distance when it is below `limit`, else undefined. It stops reading once the
 * distance cannot come back under the limit, so looking a frame up among a clip's many costs
 * little for the frames that are plainly other pictures.
 */
export function distanceBelow(a: PicturePrint, b: PicturePrint, limit: number): number | undefined {
  if (a.length !== b.length) return undefined;
  const budget = limit * a.length;
  let total = 0;
  for (let value = 0; value < a.length; value++) {
    total += (a[value] - b[value]) ** 2;
    if (total >= budget) return undefined;
  }
  return total / a.length;
}

function holds(area: IssueRegion, cell: number): boolean {
  const x = ((cell % PRINT_GRID) + 0.5) / PRINT_GRID;
  const y = (Math.floor(cell / PRINT_GRID) + 0.5) / PRINT_GRID;
  return x >= area.x && x < area.x + area.w && y >= area.y && y < area.y + area.h;
}

/** Prints further apart than this (an RMS of 12 levels per value) are different pictures. */
export const SAME_PICTURE_BELOW = 144;

/**
 * A change smaller than this (an RMS of 4 levels over the changed cells) does not show once the
 * picture is resized and re-encoded: the judge cannot tell such an edit from its source.
 */
export const VISIBLE_CHANGE_ABOVE = 16;
