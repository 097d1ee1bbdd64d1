import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import sharp from 'sharp';
import { ffmpegPath } from '../../src/media/ffmpeg';

export async function makePng(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 120, b: 40 } } }).png().toBuffer();
}

/** A real H.264 MP4 of `seconds` at 8 fps, made by the same ffmpeg the product uses. */
export async function makeMp4(width: number, height: number, seconds: number): Promise<Buffer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mp4-fixture-'));
  const output = path.join(dir, 'clip.mp4');
  try {
    await new Promise<void>((resolve, reject) => {
      execFile(
        ffmpegPath(),
        ['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc=size=${width}x${height}:rate=8`, '-t', String(seconds),
          '-pix_fmt', 'yuv420p', '-movflags', '+faststart', output],
        (error) => (error ? reject(error) : resolve()),
      );
    });
    return await readFile(output);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const CHUNK_BYTES = 64 * 1024;

/**
 * A valid MP4 of exactly `totalBytes`: the clip, then one top-level `free` box of padding that
 * every MP4 reader skips. Produced chunk by chunk, so a gigabyte costs no memory to serve.
 */
export function paddedMp4Body(mp4: Buffer, totalBytes: number): Readable {
  const paddingBytes = totalBytes - mp4.length;
  if (paddingBytes < 8 || paddingBytes > 0xffffffff) throw new Error(`Cannot pad to ${totalBytes} bytes`);
  const boxHeader = Buffer.alloc(8);
  boxHeader.writeUInt32BE(paddingBytes, 0);
  boxHeader.write('free', 4, 'latin1');
  return Readable.from(concatGenerators([mp4, boxHeader], paddingBytes - 8));
}

/** `totalBytes` of a repeating byte pattern: not media, for size and streaming tests. */
export function generatedBody(totalBytes: number): Readable {
  return Readable.from(concatGenerators([], totalBytes));
}

function* concatGenerators(prefix: Buffer[], fillerBytes: number): Generator<Buffer> {
  yield* prefix;
  const chunk = Buffer.alloc(CHUNK_BYTES, 0x5a);
  let remaining = fillerBytes;
  while (remaining > 0) {
    const size = Math.min(remaining, CHUNK_BYTES);
    yield size === CHUNK_BYTES ? chunk : chunk.subarray(0, size);
    remaining -= size;
  }
}
