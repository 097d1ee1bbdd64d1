import { access, constants, mkdir } from 'node:fs/promises';
import type { AppConfig } from '../config';
import type { AssetStore } from './asset-store';
import { LocalAssetStore } from './local-asset-store';
import { S3AssetStore } from './s3-asset-store';
import { sweepStagingDir } from './staging-writer';

export type AssetStoreSettings = Pick<AppConfig, 'assetStore' | 'publicUrl' | 'scratchDir'>;

/** The store ASSET_STORE names: the local directory (the default) or an S3 bucket. Checks nothing. */
export function createAssetStore(config: AssetStoreSettings): LocalAssetStore | S3AssetStore {
  const settings = config.assetStore;
  if (settings.kind === 'local') return new LocalAssetStore({ rootDir: settings.rootDir, publicUrl: config.publicUrl });
  return new S3AssetStore({ ...settings, publicUrl: config.publicUrl, scratchDir: config.scratchDir });
}

/**
 * The configured store, checked before the process starts work: the object store must answer,
 * accept the credentials and have the bucket (S3AssetStore.check); the local directory is
 * created. A store that `writes` (the worker) also needs its directory on this machine (the
 * local root, or the object store's scratch directory) writable. Throws an error whose one-line
 * message names the setting to fix.
 */
export async function openAssetStore(config: AssetStoreSettings, options: { writes: boolean }): Promise<AssetStore> {
  const store = createAssetStore(config);
  if (store instanceof S3AssetStore) await store.check();
  const dir = store instanceof S3AssetStore ? (options.writes ? store.scratchDir : undefined) : store.rootDir;
  if (dir !== undefined) {
    try {
      await mkdir(dir, { recursive: true });
      if (options.writes) await access(dir, constants.W_OK);
    } catch (error) {
      const detail = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new Error(`Asset store unusable, check DATA_DIR: ${dir} is not a writable directory (${detail})`, { cause: error });
    }
  }
  return store;
}

/** Longer than any storeAsset (10 minutes) or analysis (5 minutes) runs: older files are orphans. */
const LEFTOVER_AGE_MS = 60 * 60_000;

/**
 * Deletes what a worker killed mid-download or mid-analysis left on this machine: old staging
 * files and old files in the scratch directory (downloads staged for the object store, the
 * analysis's copies). Files younger than an hour are spared: another worker sharing DATA_DIR may
 * be writing them. For worker start-up; returns how many files went.
 */
export async function sweepLeftovers(store: AssetStore, config: Pick<AppConfig, 'scratchDir'>, now = Date.now()): Promise<number> {
  const staging = store instanceof LocalAssetStore ? await store.sweepStaging(LEFTOVER_AGE_MS, now) : 0;
  return staging + (await sweepStagingDir(config.scratchDir, LEFTOVER_AGE_MS, now, { everyFile: true }));
}
