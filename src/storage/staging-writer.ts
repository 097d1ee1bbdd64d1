import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { open, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AssetTooLargeError, type StagedFile, type StageOptions } from './asset-store';

/** Suffix of files still being written; a sweep may delete old ones left by a crashed worker. */
const STAGING_SUFFIX = '.part';

/**
 * Writes a stream to a new file in `stagingDir`, hashing and counting as it goes, so memory
 * stays at a few chunks whatever the size. On any failure the partial file is removed before
 * the error is rethrown.
 */
export async function writeStagingFile(
  source: Readable,
  stagingDir: string,
  options: StageOptions = {},
): Promise<StagedFile> {
  const filePath = path.join(stagingDir, `${randomUUID()}${STAGING_SUFFIX}`);
  const meter = new HashingMeter(options.maxBytes, options.onProgress);
  try {
    await pipeline(source, meter, createWriteStream(filePath, { flags: 'wx' }), { signal: options.signal });
    await flushToDisk(filePath);
    return { path: filePath, sha256: meter.digest(), sizeBytes: meter.bytes };
  } catch (error) {
    await rm(filePath, { force: true });
    throw error;
  }
}

// The workflow records the asset's URL as soon as the activity returns; a power cut must not
// leave that URL pointing at a file whose bytes never reached the disk.
async function flushToDisk(filePath: string): Promise<void> {
  const handle = await open(filePath, 'r+');
  try {
    await handle.datasync();
  } finally {
    await handle.close();
  }
}

class HashingMeter extends Transform {
  bytes = 0;
  private readonly hash = createHash('sha256');

  constructor(
    private readonly maxBytes: number | undefined,
    private readonly onProgress: ((bytesSoFar: number) => void) | undefined,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.maxBytes !== undefined && this.bytes > this.maxBytes) {
      callback(new AssetTooLargeError(this.maxBytes, this.bytes));
      return;
    }
    this.hash.update(chunk);
    this.onProgress?.(this.bytes);
    callback(null, chunk);
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}

/**
 * Deletes staging files in `stagingDir` older than `olderThanMs`: what a worker killed
 * mid-download leaves. Meant for worker start-up; the age guard spares files other workers
 * sharing the directory are still writing. A missing directory has nothing to sweep.
 */
export async function sweepStagingDir(
  stagingDir: string,
  olderThanMs: number,
  now = Date.now(),
  /** Every file, not only `.part` ones: for a directory that holds nothing but temporary files. */
  options: { everyFile?: boolean } = {},
): Promise<number> {
  let names: string[];
  try {
    names = await readdir(stagingDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
  let removed = 0;
  for (const name of names.filter((entry) => options.everyFile || entry.endsWith(STAGING_SUFFIX))) {
    const filePath = path.join(stagingDir, name);
    const info = await stat(filePath).catch(() => undefined);
    if (info?.isFile() && now - info.mtimeMs >= olderThanMs) {
      await rm(filePath, { force: true });
      removed += 1;
    }
  }
  return removed;
}
