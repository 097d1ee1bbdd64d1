import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { ffmpegPath } from '../../src/media/ffmpeg';
import { runProcess } from '../../src/analysis/run-process';

/** Real media made at test time with ffmpeg and sharp, in a temp dir removed by `cleanup`. */
export interface MediaFixtures {
  dir: string;
  /** 640×360 test pattern, 3 s, moving. */
  goodClip: string;
  blackClip: string;
  /** One still looped for 3 s. */
  frozenClip: string;
  /** 1920×1080 moving test pattern, 2 s. */
  clip1080p: string;
  /** 1024×576 picture with detail. */
  goodImage: string;
  /** 576×1024: portrait where scenes want 16:9. */
  portraitImage: string;
  /** 3840×2160 still. */
  still4k: string;
  blackImage: string;
  whiteImage: string;
  /** A PNG cut in half: the header reads, the pixels do not. */
  truncatedImage: string;
  /** Random bytes named .mp4. */
  corruptClip: string;
  cleanup(): Promise<void>;
}

let shared: Promise<MediaFixtures> | undefined;
let users = 0;

/** One set of media per test run, shared by the files that need it. */
export function acquireMediaFixtures(): Promise<MediaFixtures> {
  users += 1;
  shared ??= makeMediaFixtures();
  return shared;
}

export async function releaseMediaFixtures(): Promise<void> {
  users -= 1;
  if (users > 0 || shared === undefined) return;
  const fixtures = await shared;
  shared = undefined;
  await fixtures.cleanup();
}

async function makeMediaFixtures(): Promise<MediaFixtures> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'analysis-media-'));
  const file = (name: string) => path.join(dir, name);

  const stillPng = file('pattern-still.png');
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=640x360:rate=1', '-frames:v', '1', stillPng]);
  const still4k = file('still-4k.png');
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=3840x2160:rate=1', '-frames:v', '1', still4k]);

  await Promise.all([
    encode(['-f', 'lavfi', '-i', 'testsrc=size=640x360:rate=24:duration=3'], file('good.mp4')),
    encode(['-f', 'lavfi', '-i', 'color=c=black:size=640x360:rate=24:duration=3'], file('black.mp4')),
  ]);
  await Promise.all([
    encode(['-loop', '1', '-framerate', '24', '-i', stillPng, '-t', '3'], file('frozen.mp4')),
    encode(['-f', 'lavfi', '-i', 'testsrc2=size=1920x1080:rate=24:duration=2'], file('clip-1080p.mp4')),
  ]);

  const detailed = (width: number, height: number) =>
    sharp(stillPng).resize(width, height, { fit: 'fill' }).png().toFile(file(`detailed-${width}x${height}.png`));
  await detailed(1024, 576);
  await detailed(576, 1024);
  const flat = (name: string, color: string) =>
    sharp({ create: { width: 1024, height: 576, channels: 3, background: color } }).png().toFile(file(name));
  await flat('black.png', '#000000');
  await flat('white.png', '#ffffff');

  const whole = await readFile(file('detailed-1024x576.png'));
  await writeFile(file('truncated.png'), whole.subarray(0, Math.floor(whole.length / 2)));
  await writeFile(file('corrupt.mp4'), randomBytes(64 * 1024));

  return {
    dir,
    goodClip: file('good.mp4'),
    blackClip: file('black.mp4'),
    frozenClip: file('frozen.mp4'),
    clip1080p: file('clip-1080p.mp4'),
    goodImage: file('detailed-1024x576.png'),
    portraitImage: file('detailed-576x1024.png'),
    still4k,
    blackImage: file('black.png'),
    whiteImage: file('white.png'),
    truncatedImage: file('truncated.png'),
    corruptClip: file('corrupt.mp4'),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

function encode(input: string[], output: string): Promise<void> {
  return ffmpeg([...input, '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-an', output]);
}

async function ffmpeg(args: string[]): Promise<void> {
  const result = await runProcess(ffmpegPath(), ['-hide_banner', '-v', 'error', '-y', ...args]);
  if (result.exitCode !== 0) throw new Error(`ffmpeg ${args.join(' ')} failed: ${result.stderr}`);
}
