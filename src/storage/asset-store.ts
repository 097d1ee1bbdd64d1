import type { Readable } from 'node:stream';

/**
 * Where stored assets live. Writing is two steps, stage then commit, because the caller has to
 * look at the bytes (probe the media type) before it knows the extension that completes the
 * key, and because nothing must become visible under a key until it is whole. A local
 * implementation stages next to the store and renames (local-asset-store.ts); the object store
 * stages to a private file on this machine and uploads it on commit (s3-asset-store.ts).
 */
export interface AssetStore {
  /**
   * Streams `source` into a private staging file while hashing and counting it. The staging
   * file is removed again if anything fails (source error, size cap, abort).
   */
  stage(source: Readable, options?: StageOptions): Promise<StagedFile>;
  /**
   * Moves a staged file in under `<sha256>.<extension>`; identical content is kept once. An
   * object store uploads it here, reporting the bytes sent and stopping on `signal`.
   */
  commit(staged: StagedFile, extension: string, options?: CommitOptions): Promise<StoredAsset>;
  /** Removes a staged file that will not be committed. Safe to call twice. */
  discard(staged: StagedFile): Promise<void>;
  /** stage + commit, for callers that already know the extension. */
  put(source: Readable, extension: string, options?: StageOptions): Promise<StoredAsset>;
  has(key: string): Promise<boolean>;
  /** The stored asset's size; undefined when the key is not stored. */
  stat(key: string): Promise<{ sizeBytes: number } | undefined>;
  /**
   * The asset's bytes, or the inclusive `range` of them. Rejects with an error whose `code` is
   * 'ENOENT' when the key is not stored.
   */
  openRead(key: string, range?: ByteRange): Promise<Readable>;
  /** The file behind a key, for stores that keep files on this machine (ffmpeg wants a path). */
  localPath?(key: string): string;
  /** The stable URL the web server serves the asset at. */
  urlFor(key: string): string;
}

/** Inclusive byte offsets, as in an HTTP Range header. */
export interface ByteRange {
  start: number;
  end: number;
}

export interface StageOptions {
  /** Refuse (AssetTooLargeError) as soon as more than this many bytes have arrived. */
  maxBytes?: number;
  /** Called with the running byte count as data arrives. */
  onProgress?: (bytesSoFar: number) => void;
  signal?: AbortSignal;
}

export interface CommitOptions {
  /** Called with the running count of bytes uploaded, for stores that upload on commit. */
  onProgress?: (bytesSoFar: number) => void;
  signal?: AbortSignal;
}

/** A complete file in staging; `path` is on local disk, so it can be probed before commit. */
export interface StagedFile {
  path: string;
  sha256: string;
  sizeBytes: number;
}

export interface StoredAsset {
  key: string;
  url: string;
  sha256: string;
  sizeBytes: number;
}

/**
 * The store could not be reached or answered that it cannot serve now (connection refused,
 * timeout, 5xx, throttling): worth retrying later. The message names the store, never a secret.
 */
export class AssetStoreUnavailableError extends Error {
  override readonly name = 'AssetStoreUnavailableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export class AssetTooLargeError extends Error {
  override readonly name = 'AssetTooLargeError';
  constructor(
    readonly limitBytes: number,
    /** How many bytes were seen (or announced by Content-Length) when the cap was hit. */
    readonly seenBytes: number,
  ) {
    super(`Asset is larger than the ${limitBytes}-byte limit (at least ${seenBytes} bytes)`);
  }
}
