import type { AppConfig } from '../config';
import { LocalAssetStore } from './local-asset-store';

/** The one store the worker writes and the web server reads, so both agree on paths and URLs. */
export function assetStoreFromConfig(config: Pick<AppConfig, 'assetsDir' | 'publicUrl'>): LocalAssetStore {
  return new LocalAssetStore({ rootDir: config.assetsDir, publicUrl: config.publicUrl });
}
