import { rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { AssetStore, ByteRange, CommitOptions, StagedFile, StageOptions, StoredAsset } from './asset-store';

/**
 * What every store that stages to a local file does the same way: discard a staged file, put
 * (stage then commit, discarding on failure) and has (from stat). A store supplies where it
 * stages, how it commits and how it reads.
 */
export abstract class StagedAssetStore implements AssetStore {
  abstract stage(source: Readable, options?: StageOptions): Promise<StagedFile>;
  abstract commit(staged: StagedFile, extension: string, options?: CommitOptions): Promise<StoredAsset>;
  abstract stat(key: string): Promise<{ sizeBytes: number } | undefined>;
  abstract openRead(key: string, range?: ByteRange): Promise<Readable>;
  abstract urlFor(key: string): string;

  async discard(staged: StagedFile): Promise<void> {
    await rm(staged.path, { force: true });
  }

  async put(source: Readable, extension: string, options?: StageOptions): Promise<StoredAsset> {
    const staged = await this.stage(source, options);
    try {
      return await this.commit(staged, extension);
    } catch (error) {
      await this.discard(staged);
      throw error;
    }
  }

  async has(key: string): Promise<boolean> {
    return (await this.stat(key)) !== undefined;
  }
}
