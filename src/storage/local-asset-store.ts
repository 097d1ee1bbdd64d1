import { chmod, mkdir, open, realpath, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { assetKey, shardedRelativePath } from './asset-key';
import type { ByteRange, StagedFile, StageOptions, StoredAsset } from './asset-store';
import { StagedAssetStore } from './staged-asset-store';
import { sweepStagingDir, writeStagingFile } from './staging-writer';

export interface LocalAssetStoreOptions {
  /** Usually config.assetsDir (`<DATA_DIR>/assets`). */
  rootDir: string;
  /** The web server's base URL (config.publicUrl); assets are served under `/assets/<key>`. */
  publicUrl: string;
}

const STAGING_DIR_NAME = '.staging';

/**
 * Content-addressed files under `<rootDir>/<aa>/<bb>/<sha256>.<ext>`. Staging lives inside the
 * root, on the same filesystem, so commit is a rename: a reader sees the whole file or none.
 */
export class LocalAssetStore extends StagedAssetStore {
  readonly rootDir: string;
  readonly stagingDir: string;
  private readonly publicUrl: string;

  constructor(options: LocalAssetStoreOptions) {
    super();
    this.rootDir = path.resolve(options.rootDir);
    this.stagingDir = path.join(this.rootDir, STAGING_DIR_NAME);
    this.publicUrl = options.publicUrl.replace(/\/+$/, '');
  }

  async stage(source: Readable, options?: StageOptions): Promise<StagedFile> {
    await mkdir(this.stagingDir, { recursive: true });
    return writeStagingFile(source, this.stagingDir, options);
  }

  async commit(staged: StagedFile, extension: string): Promise<StoredAsset> {
    const key = assetKey(staged.sha256, extension);
    const target = this.localPath(key);
    if (await isFile(target)) {
      await this.discard(staged);
    } else {
      await mkdir(path.dirname(target), { recursive: true });
      // Stored content never changes; read-only files make an accidental rewrite fail loudly.
      await chmod(staged.path, 0o444);
      // Two workers committing the same content race harmlessly: both files hold the same bytes.
      await rename(staged.path, target);
    }
    return { key, url: this.urlFor(key), sha256: staged.sha256, sizeBytes: staged.sizeBytes };
  }

  async stat(key: string): Promise<{ sizeBytes: number } | undefined> {
    const file = await this.resolveInside(key);
    const info = file === undefined ? undefined : await stat(file).catch(() => undefined);
    return info?.isFile() ? { sizeBytes: info.size } : undefined;
  }

  async openRead(key: string, range?: ByteRange): Promise<Readable> {
    const file = await this.resolveInside(key);
    if (file === undefined) throw notStored(key);
    // Opening first turns a missing key into a rejected promise instead of a stream error later.
    const handle = await open(file, 'r');
    if (!(await handle.stat()).isFile()) {
      await handle.close();
      throw notStored(key);
    }
    return handle.createReadStream(range ? { start: range.start, end: range.end } : {});
  }

  localPath(key: string): string {
    return path.join(this.rootDir, shardedRelativePath(key));
  }

  urlFor(key: string): string {
    return `${this.publicUrl}/assets/${key}`;
  }

  /** Deletes staging files older than `olderThanMs` (sweepStagingDir). */
  async sweepStaging(olderThanMs: number, now = Date.now()): Promise<number> {
    return sweepStagingDir(this.stagingDir, olderThanMs, now);
  }

  /**
   * The real path of the key's file when it lies inside the root; undefined when it is missing
   * or a link leads outside (the store never makes links, so one is not ours to serve).
   */
  private async resolveInside(key: string): Promise<string | undefined> {
    try {
      const [realRoot, realFile] = await Promise.all([realpath(this.rootDir), realpath(this.localPath(key))]);
      return realFile.startsWith(realRoot + path.sep) ? realFile : undefined;
    } catch {
      return undefined;
    }
  }
}

function notStored(key: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`No such asset: ${key}`), { code: 'ENOENT' });
}

async function isFile(filePath: string): Promise<boolean> {
  try {
    return (await stat(filePath)).isFile();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
