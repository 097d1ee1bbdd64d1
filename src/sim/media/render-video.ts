import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile, rm } from 'node:fs/promises';
import { ffmpegPath } from '../../media/ffmpeg';
import type { ProviderName } from '../../domain/provider';
import type { PromptLook } from './prompt-look';
import { markFilters } from './provider-mark';
import type { EditPatch } from './media-cache';
import { renderStillPng } from './render-image';

export const VIDEO_FPS = 8;
/** The still is larger than the frame so the camera can pan across it: real motion, no frozen frames. */
const PAN_MARGIN = 1.25;

export interface VideoJob {
  look: PromptLook;
  width: number;
  height: number;
  durationSeconds: number;
  /** The provider whose strip every frame carries (provider-mark.ts); none when undefined. */
  mark?: ProviderName;
  /** An edit's changes, drawn on every frame after the pan (render-image.ts paints them on stills). */
  patches?: readonly EditPatch[];
  /** Scratch file for the still the clip pans across. */
  stillPath: string;
  outputPath: string;
}

/** Runs ffmpeg children and can stop them all, so a stopping simulator leaves no process behind. */
export class VideoRenderer {
  private readonly running = new Set<ChildProcess>();

  async render(job: VideoJob): Promise<void> {
    const stillWidth = even(job.width * PAN_MARGIN);
    const stillHeight = even(job.height * PAN_MARGIN);
    await writeFile(job.stillPath, await renderStillPng(job.look, stillWidth, stillHeight));
    try {
      await this.runFfmpeg(ffmpegArguments(job));
    } finally {
      await rm(job.stillPath, { force: true });
    }
  }

  /**
   * Every frame of a clip at `fps`, decoded to `side`×`side` RGB pixels one after another; run
   * here so that a stopping simulator stops the decoding too.
   */
  decodeFrames(clipPath: string, fps: number, side: number): Promise<Buffer> {
    return this.runFfmpeg(['-hide_banner', '-loglevel', 'error', '-i', clipPath, '-map', '0:v:0', '-an', '-vf', `fps=${fps},scale=${side}:${side}:flags=area`, '-pix_fmt', 'rgb24', '-f', 'rawvideo', 'pipe:1']);
  }

  stopAll(): void {
    for (const child of this.running) child.kill('SIGKILL');
    this.running.clear();
  }

  /** Runs ffmpeg to the end and answers what it wrote to stdout (nothing when it writes a file). */
  private runFfmpeg(args: string[]): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const child = spawn(ffmpegPath(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
      this.running.add(child);
      const stdout: Buffer[] = [];
      child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => {
        stderr = (stderr + chunk.toString()).slice(-2000);
      });
      child.on('error', (error) => {
        this.running.delete(child);
        reject(new Error(`ffmpeg could not start: ${error.message}`));
      });
      child.on('close', (code, signal) => {
        this.running.delete(child);
        if (code === 0) resolve(Buffer.concat(stdout));
        else reject(new Error(`ffmpeg failed (${signal ?? `exit ${code}`}): ${stderr.trim()}`));
      });
    });
  }
}

function ffmpegArguments(job: VideoJob): string[] {
  const seconds = job.durationSeconds;
  // Pan diagonally from one corner of the still to the other over the whole clip.
  const crop = `crop=${job.width}:${job.height}:'(iw-ow)*t/${seconds}':'(ih-oh)*t/${seconds}'`;
  // The strip is drawn on the frame, after the pan, so it stays in the frame's corner.
  const mark = job.mark === undefined ? [] : markFilters(job.mark, job.width, job.height);
  const patches = (job.patches ?? []).map(({ area, change }) => {
    const color = change === 'fixed' ? 'gray@0.85' : '0xE614C8';
    return `drawbox=x=iw*${area.x.toFixed(4)}:y=ih*${area.y.toFixed(4)}:w=iw*${area.w.toFixed(4)}:h=ih*${area.h.toFixed(4)}:color=${color}:t=fill`;
  });
  return [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-loop',
    '1',
    '-framerate',
    String(VIDEO_FPS),
    '-i',
    job.stillPath,
    '-t',
    String(seconds),
    '-vf',
    [crop, ...patches, ...mark, 'format=yuv420p'].join(','),
    '-r',
    String(VIDEO_FPS),
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-pix_fmt',
    'yuv420p',
    '-movflags',
    '+faststart',
    '-f',
    'mp4',
    job.outputPath,
  ];
}

function even(value: number): number {
  return Math.round(value / 2) * 2;
}
