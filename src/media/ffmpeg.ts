/**
 * Where ffmpeg and ffprobe live: FFMPEG_PATH / FFPROBE_PATH when set (a system install), else the
 * static binaries that npm packages ship, so `npm install` alone is enough to run the product.
 */
export function ffmpegPath(): string {
  if (process.env.FFMPEG_PATH) return process.env.FFMPEG_PATH;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
}

export function ffprobePath(): string {
  if (process.env.FFPROBE_PATH) return process.env.FFPROBE_PATH;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('@ffprobe-installer/ffprobe') as { path: string }).path;
}
