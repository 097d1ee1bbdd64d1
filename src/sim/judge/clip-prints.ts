import type { MediaCache } from '../media/media-cache';
import { VIDEO_FPS } from '../media/render-video';
import { rawPicturePrint, type PicturePrint } from './picture-print';

/**
 * Frames are decoded at this size before the print's own resize: small enough that a clip's
 * frames cost little to pass around, large enough that the print comes out as it does from the
 * full frame the product extracts.
 */
const DECODED_SIDE = 256;

/**
 * The print of every frame of a clip, at the simulator's own frame rate (every frame of a clip it
 * rendered): whatever moments the product extracts, each is one of these frames, and the pan
 * moves the picture between them.
 */
export async function clipPrints(media: MediaCache, clipPath: string): Promise<PicturePrint[]> {
  const pixels = await media.decodeFrames(clipPath, VIDEO_FPS, DECODED_SIDE);
  const frameBytes = DECODED_SIDE * DECODED_SIDE * 3;
  if (pixels.length < frameBytes) throw new Error(`${clipPath}: no frame decoded`);
  const prints: PicturePrint[] = [];
  for (let offset = 0; offset + frameBytes <= pixels.length; offset += frameBytes) {
    prints.push(await rawPicturePrint(pixels.subarray(offset, offset + frameBytes), DECODED_SIDE, DECODED_SIDE));
  }
  return prints;
}
