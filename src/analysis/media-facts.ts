import { MediaProbeError, probeMedia } from '../media/probe';

/** What the technical checks need to know about a stored asset, read from the file itself. */
export interface MediaFacts {
  kind: 'image' | 'video';
  /** As displayed: EXIF orientation and video rotation applied. */
  width: number;
  height: number;
  /** Seconds; only for video. */
  durationSeconds?: number;
}

/** The file is not an image or video we can read. */
export class MediaUnreadableError extends Error {
  override readonly name = 'MediaUnreadableError';
}

/**
 * The store's own probe (src/media/probe.ts), with sizes made certain. The file is trusted over
 * the stored media type: a provider that labels an MP4 as image/png must not get its clip
 * judged as a still.
 */
export async function readMediaFacts(path: string): Promise<MediaFacts> {
  let probe;
  try {
    probe = await probeMedia(path);
  } catch (error) {
    if (error instanceof MediaProbeError) throw new MediaUnreadableError(error.message);
    throw error;
  }
  if (!probe.width || !probe.height) throw new MediaUnreadableError('the file does not say how large it is');
  return { kind: probe.kind, width: probe.width, height: probe.height, durationSeconds: probe.durationSeconds };
}
