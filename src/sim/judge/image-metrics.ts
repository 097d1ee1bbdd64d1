import sharp from 'sharp';

/** What the simulated judge "sees" in a picture. */
export interface ImageMetrics {
  width: number;
  height: number;
  /** Mean luma, 0 black … 1 white. */
  brightness: number;
  /** Mean red minus mean blue, -1 … 1: positive is warm, negative cold. */
  warmth: number;
  /** Mean absolute Laplacian of the grey centre at native resolution: fine detail, lost to blur. */
  edgeEnergy: number;
}

/** Large enough to judge detail, small enough to stay fast on big frames. */
const DETAIL_WINDOW = 384;

export class UnreadableImageError extends Error {
  override readonly name = 'UnreadableImageError';
}

export async function measureImage(bytes: Buffer): Promise<ImageMetrics> {
  let width: number;
  let height: number;
  try {
    const metadata = await sharp(bytes).metadata();
    if (!metadata.width || !metadata.height) throw new Error('no dimensions');
    width = metadata.width;
    height = metadata.height;
  } catch (error) {
    throw new UnreadableImageError(`Could not process image: ${(error as Error).message}`);
  }

  const colour = await sharp(bytes)
    .removeAlpha()
    .resize({ width: 64, height: 64, fit: 'fill' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  let red = 0;
  let green = 0;
  let blue = 0;
  const pixels = colour.info.width * colour.info.height;
  for (let offset = 0; offset < colour.data.length; offset += colour.info.channels) {
    red += colour.data[offset];
    green += colour.data[offset + 1];
    blue += colour.data[offset + 2];
  }
  red /= pixels * 255;
  green /= pixels * 255;
  blue /= pixels * 255;

  return {
    width,
    height,
    brightness: 0.299 * red + 0.587 * green + 0.114 * blue,
    warmth: red - blue,
    edgeEnergy: await centreEdgeEnergy(bytes, width, height),
  };
}

async function centreEdgeEnergy(bytes: Buffer, width: number, height: number): Promise<number> {
  const windowWidth = Math.min(DETAIL_WINDOW, width);
  const windowHeight = Math.min(DETAIL_WINDOW, height);
  const { data, info } = await sharp(bytes)
    .extract({
      left: Math.floor((width - windowWidth) / 2),
      top: Math.floor((height - windowHeight) / 2),
      width: windowWidth,
      height: windowHeight,
    })
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const w = info.width;
  const h = info.height;
  const channels = info.channels;
  if (w < 3 || h < 3) return 0;
  let total = 0;
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const at = (xx: number, yy: number) => data[(yy * w + xx) * channels];
      const laplacian = 4 * at(x, y) - at(x - 1, y) - at(x + 1, y) - at(x, y - 1) - at(x, y + 1);
      total += Math.abs(laplacian);
    }
  }
  return total / ((w - 2) * (h - 2));
}
