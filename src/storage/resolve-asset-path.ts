import { isAssetKey } from './asset-key';
import type { AssetStore } from './asset-store';

/**
 * For the web server's `GET /assets/<key>`: the file to send, or undefined when the request
 * does not name a key (anything with a slash, `..`, encoded characters or the wrong shape) or
 * the store keeps no local files. Existence is left to the caller's open/stat.
 */
export function resolveAssetPath(store: AssetStore, urlPathKey: string): string | undefined {
  if (!isAssetKey(urlPathKey) || !store.localPath) return undefined;
  return store.localPath(urlPathKey);
}
