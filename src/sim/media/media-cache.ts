import { createHash, randomUUID } from 'node:crypto';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ProviderName } from '../../domain/provider';
import type { EditOutcome } from '../edit-model';
import { promptLook } from './prompt-look';
import { renderStillPng } from './render-image';
import { VideoRenderer } from './render-video';

/** Bump when the renderer changes, so old cached files are not served as new looks. */
const RENDER_VERSION = 'v2';

export interface MediaSpec {
  prompt: string;
  kind: 'image' | 'video';
  width: number;
  height: number;
  /** Seconds; ignored for images. */
  durationSeconds: number;
  /** The provider whose strip the render carries (provider-mark.ts); none when undefined. */
  mark?: ProviderName;
  /** An edit's visible changes: places it repainted clean (a fixed defect) or damaged. */
  patches?: EditPatch[];
  /** An edit's own record (what it fixed), kept with the file; the picture is `prompt`'s. */
  edit?: EditOutcome;
  /** An edit's source generation prompt, when it differs from the task's prompt (the instruction). */
  sourcePrompt?: string;
}

export interface EditPatch {
  area: { x: number; y: number; w: number; h: number };
  change: 'fixed' | 'damaged';
}

export interface MediaFile {
  path: string;
  contentType: 'image/png' | 'video/mp4';
  sizeBytes: number;
  width: number;
  height: number;
  durationSeconds?: number;
}

/**
 * Renders each distinct (prompt, kind, size, duration) once and keeps the file on disk, so a demo
 * with many attempts stays fast. Concurrent requests for the same spec share one render, and a
 * file appears under its final name only when complete.
 */
export class MediaCache {
  private readonly inFlight = new Map<string, Promise<MediaFile>>();
  private readonly videos = new VideoRenderer();

  constructor(private readonly directory: string) {}

  ensure(spec: MediaSpec): Promise<MediaFile> {
    const key = cacheKey(spec);
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const work = this.renderIfMissing(key, spec).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, work);
    return work;
  }

  /** Every frame of a clip at `fps`, as `side`×`side` RGB pixels one after another. */
  decodeFrames(clipPath: string, fps: number, side: number): Promise<Buffer> {
    return this.videos.decodeFrames(clipPath, fps, side);
  }

  /** Kills running ffmpeg processes; their half-written scratch files are never served. */
  stop(): void {
    this.videos.stopAll();
  }

  private async renderIfMissing(key: string, spec: MediaSpec): Promise<MediaFile> {
    const extension = spec.kind === 'video' ? 'mp4' : 'png';
    const finalPath = path.join(this.directory, `${key}.${extension}`);
    const described = (sizeBytes: number): MediaFile => ({
      path: finalPath,
      contentType: spec.kind === 'video' ? 'video/mp4' : 'image/png',
      sizeBytes,
      width: spec.width,
      height: spec.height,
      durationSeconds: spec.kind === 'video' ? spec.durationSeconds : undefined,
    });

    const existing = await stat(finalPath).catch(() => undefined);
    if (existing && existing.size > 0) return described(existing.size);

    await mkdir(this.directory, { recursive: true });
    const scratch = path.join(this.directory, `${key}.${randomUUID()}.partial`);
    const look = promptLook(spec.prompt);
    try {
      if (spec.kind === 'video') {
        await this.videos.render({
          look,
          mark: spec.mark,
          patches: spec.patches,
          width: spec.width,
          height: spec.height,
          durationSeconds: spec.durationSeconds,
          stillPath: `${scratch}.png`,
          outputPath: scratch,
        });
      } else {
        await writeFile(scratch, await renderStillPng(look, spec.width, spec.height, spec.mark, spec.patches));
      }
      await rename(scratch, finalPath);
    } catch (error) {
      await rm(scratch, { force: true });
      throw error;
    }
    const written = await stat(finalPath);
    return described(written.size);
  }
}

function cacheKey(spec: MediaSpec): string {
  const duration = spec.kind === 'video' ? spec.durationSeconds : 0;
  return createHash('sha256')
    // A marked render is a different file; unmarked ones keep the key they always had.
    .update(JSON.stringify([RENDER_VERSION, spec.kind, spec.width, spec.height, duration, spec.prompt, ...(spec.mark ? [spec.mark] : []), ...(spec.patches?.length ? [spec.patches] : [])]))
    .digest('hex')
    .slice(0, 40);
}
