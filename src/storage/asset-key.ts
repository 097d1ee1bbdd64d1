/**
 * The content address of a stored asset: `<sha256>.<extension>`. It is the only thing callers
 * (and URLs) name an asset by, so its grammar is strict enough that a key can never spell a
 * path outside the store.
 */
const ASSET_KEY_PATTERN = /^([0-9a-f]{64})\.([a-z0-9]{1,8})$/;
const EXTENSION_PATTERN = /^[a-z0-9]{1,8}$/;
const SHA256_PATTERN = /^[0-9a-f]{64}$/;

/** What the web server sends as Content-Type for each extension the store accepts. */
const MEDIA_TYPE_BY_EXTENSION: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  avif: 'image/avif',
  mp4: 'video/mp4',
  mov: 'video/quicktime',
  webm: 'video/webm',
  mkv: 'video/x-matroska',
};

export interface ParsedAssetKey {
  sha256: string;
  extension: string;
}

export function assetKey(sha256: string, extension: string): string {
  if (!SHA256_PATTERN.test(sha256)) throw new Error(`Not a lowercase hex sha256: ${sha256}`);
  if (!EXTENSION_PATTERN.test(extension)) throw new Error(`Not a valid asset extension: ${extension}`);
  return `${sha256}.${extension}`;
}

export function parseAssetKey(key: string): ParsedAssetKey | undefined {
  const match = ASSET_KEY_PATTERN.exec(key);
  return match ? { sha256: match[1], extension: match[2] } : undefined;
}

export function isAssetKey(key: string): boolean {
  return ASSET_KEY_PATTERN.test(key);
}

/**
 * `aa/bb/<key>`: two levels of fan-out keep any one directory small enough to list, even with
 * millions of assets.
 */
export function shardedRelativePath(key: string): string {
  const parsed = parseAssetKey(key);
  if (!parsed) throw new Error(`Not an asset key: ${key}`);
  return `${parsed.sha256.slice(0, 2)}/${parsed.sha256.slice(2, 4)}/${key}`;
}

/** Content-Type for serving a key; octet-stream for an extension the store does not know. */
export function mediaTypeForKey(key: string): string {
  const parsed = parseAssetKey(key);
  return (parsed && MEDIA_TYPE_BY_EXTENSION[parsed.extension]) ?? 'application/octet-stream';
}
