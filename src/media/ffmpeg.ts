import { loadMediaToolPaths } from '../config';

/**
 * Where ffmpeg and ffprobe live: FFMPEG_PATH / FFPROBE_PATH when set (a system install), else the
 * static binaries that npm packages ship, so `npm install` alone is enough to run the product.
 */
export function ffmpegPath(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return loadMediaToolPaths().ffmpegPath ?? (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
}

export function ffprobePath(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return loadMediaToolPaths().ffprobePath ?? (require('@ffprobe-installer/ffprobe') as { path: string }).path;
}
