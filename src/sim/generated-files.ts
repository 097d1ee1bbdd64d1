import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { ProviderName } from '../domain/provider';
import type { EditOutcome } from './edit-model';
import type { MediaFile } from './media/media-cache';
import type { SimTask } from './task-store';

/** What a file the simulator generated was made from. */
export interface Generation {
  prompt: string;
  provider: ProviderName;
  /** The provider mark the file carries (with the provider profile on), as the judge reads it back. */
  mark?: ProviderName;
  /** The file's shape, so an edit of it keeps its size and length. */
  width?: number;
  height?: number;
  durationSeconds?: number;
  /** Set when the file is an edit of another: what it fixed, missed and damaged. */
  edit?: EditOutcome;
}

/**
 * Every file the simulator has generated, findable by its bytes: a product stores a byte-identical
 * copy of a provider's output and hands out its own URL, so a reviewer asked about that URL finds
 * the generation by the copy's SHA-256. Files are hashed only when a lookup first needs them.
 */
export class GeneratedFiles {
  private readonly unhashed = new Map<string, Generation>();
  private readonly bySha256 = new Map<string, Generation>();
  private readonly hashedPaths = new Set<string>();

  /** Notes a task's rendered files (the same spec renders to the same path: one entry each). */
  register(task: SimTask, files: MediaFile[]): void {
    files.forEach((file, index) => {
      if (this.hashedPaths.has(file.path)) return;
      const spec = task.media[index];
      this.unhashed.set(file.path, {
        prompt: spec?.sourcePrompt ?? task.prompt,
        provider: task.provider,
        mark: spec?.mark,
        width: file.width,
        height: file.height,
        ...(file.durationSeconds === undefined ? {} : { durationSeconds: file.durationSeconds }),
        ...(spec?.edit ? { edit: spec.edit } : {}),
      });
    });
  }

  async findBySha256(sha256: string): Promise<Generation | undefined> {
    const known = this.bySha256.get(sha256);
    if (known !== undefined) return known;
    for (const [path, generation] of [...this.unhashed]) {
      this.unhashed.delete(path);
      this.hashedPaths.add(path);
      const digest = await sha256Of(path).catch(() => undefined);
      if (digest === undefined) continue;
      this.bySha256.set(digest, generation);
      if (digest === sha256) return generation;
    }
    return undefined;
  }
}

function sha256Of(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}
