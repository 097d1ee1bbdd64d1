import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { AssetStore } from './asset-store';

/** A stored asset as a file on this machine (ffmpeg and ffprobe want a path), until released. */
export interface AssetFile {
  path: string;
  /** Removes the file when it is a private copy; nothing for a store's own file. Safe to call twice. */
  release(): Promise<void>;
}

/**
 * Opens stored assets as files: the store's own file when it keeps them on this machine
 * (localPath), otherwise a private copy streamed from the store into `scratchDir`, removed on
 * release. Rejects with code 'ENOENT' when the key is not stored.
 */
export function assetFileReader(store: AssetStore, scratchDir: string): (key: string) => Promise<AssetFile> {
  return async (key) => {
    if (store.localPath !== undefined) return { path: store.localPath(key), release: async () => undefined };
    await mkdir(scratchDir, { recursive: true });
    // The key keeps its extension last, for tools that look at it.
    const copy = path.join(scratchDir, `${randomUUID()}-${key}`);
    const release = () => rm(copy, { force: true });
    try {
      await pipeline(await store.openRead(key), createWriteStream(copy, { flags: 'wx' }));
    } catch (error) {
      await release();
      throw error;
    }
    return { path: copy, release };
  };
}
