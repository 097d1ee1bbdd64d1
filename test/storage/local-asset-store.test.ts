import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { loadConfig } from '../../src/config';
import { isAssetKey, mediaTypeForKey, parseAssetKey } from '../../src/storage/asset-key';
import { AssetTooLargeError } from '../../src/storage/asset-store';
import { LocalAssetStore } from '../../src/storage/local-asset-store';
import { sweepLeftovers } from '../../src/storage/open-asset-store';
import { listFiles } from './list-files';
import { generatedBody } from './media-fixtures';

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

describe('LocalAssetStore', () => {
  let root: string;
  let store: LocalAssetStore;

  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'asset-store-'));
    store = new LocalAssetStore({ rootDir: root, publicUrl: 'http://localhost:3000/' });
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('stores content under its sha256, sharded two levels deep, and serves a stable URL', async () => {
    const stored = await store.put(Readable.from([Buffer.from('hello asset')]), 'png');
    const digest = sha256('hello asset');
    assert.equal(stored.sha256, digest);
    assert.equal(stored.key, `${digest}.png`);
    assert.equal(stored.sizeBytes, 11);
    assert.equal(stored.url, `http://localhost:3000/assets/${digest}.png`);
    assert.equal(store.localPath(stored.key), path.join(root, digest.slice(0, 2), digest.slice(2, 4), `${digest}.png`));
    assert.equal(await readFile(store.localPath(stored.key), 'utf8'), 'hello asset');
    assert.equal(await store.has(stored.key), true);
    assert.equal(await text(await store.openRead(stored.key)), 'hello asset');
  });

  it('keeps identical content once and leaves nothing in staging', async () => {
    const first = await store.put(Readable.from([Buffer.from('same bytes')]), 'mp4');
    const second = await store.put(Readable.from([Buffer.from('same'), Buffer.from(' bytes')]), 'mp4');
    assert.equal(second.key, first.key);
    assert.deepEqual(await listFiles(root), [path.relative(root, store.localPath(first.key))]);
  });

  it('makes stored files read-only', async () => {
    const stored = await store.put(Readable.from([Buffer.from('immutable')]), 'png');
    assert.equal((await stat(store.localPath(stored.key))).mode & 0o222, 0);
  });

  it('refuses a stream over maxBytes and removes the partial staging file', async () => {
    await assert.rejects(
      store.stage(generatedBody(3 * 1024 * 1024), { maxBytes: 1024 * 1024 }),
      (error: unknown) => error instanceof AssetTooLargeError && error.limitBytes === 1024 * 1024,
    );
    assert.deepEqual(await listFiles(root), []);
  });

  it('removes the staging file when the source fails midway', async () => {
    async function* failing(): AsyncGenerator<Buffer> {
      yield Buffer.alloc(1000);
      throw new Error('connection dropped');
    }
    await assert.rejects(store.stage(Readable.from(failing())), /connection dropped/);
    assert.deepEqual(await listFiles(root), []);
  });

  it('reports progress as bytes arrive', async () => {
    const seen: number[] = [];
    const staged = await store.stage(generatedBody(200_000), { onProgress: (bytes) => seen.push(bytes) });
    assert.equal(staged.sizeBytes, 200_000);
    assert.equal(seen.at(-1), 200_000);
    assert.ok(seen.length > 1, 'progress arrives per chunk, not once at the end');
    await store.discard(staged);
    assert.deepEqual(await listFiles(root), []);
  });

  it('rejects openRead for a key that is not stored', async () => {
    await assert.rejects(store.openRead(`${sha256('absent')}.png`), { code: 'ENOENT' });
    assert.equal(await store.has(`${sha256('absent')}.png`), false);
  });

  it('sweeps only staging files older than the given age', async () => {
    await store.stage(Readable.from([Buffer.from('x')])); // creates the staging dir, then an orphan below
    const staleFile = path.join(store.stagingDir, 'stale.part');
    const freshFile = path.join(store.stagingDir, 'fresh.part');
    await writeFile(staleFile, 'left by a crashed worker');
    await writeFile(freshFile, 'still downloading');
    const hourAgo = new Date(Date.now() - 3_600_000);
    await utimes(staleFile, hourAgo, hourAgo);
    const removed = await store.sweepStaging(10 * 60_000);
    assert.equal(removed, 1);
    const left = await readdir(store.stagingDir);
    assert.ok(left.includes('fresh.part'));
    assert.ok(!left.includes('stale.part'));
  });
});

describe('the store the configuration makes', () => {
  it('keeps assets under DATA_DIR/assets and serves them from PUBLIC_URL', () => {
    const config = loadConfig({ DATA_DIR: '/var/lib/regen', PUBLIC_URL: 'https://regen.example.com/' });
    const store = new LocalAssetStore({ rootDir: config.assetsDir, publicUrl: config.publicUrl });
    const key = `${'cd'.repeat(32)}.png`;
    assert.equal(store.localPath(key), path.join('/var/lib/regen/assets', 'cd', 'cd', key));
    assert.equal(store.urlFor(key), `https://regen.example.com/assets/${key}`);
  });
});

describe('asset keys', () => {
  const store = new LocalAssetStore({ rootDir: '/srv/assets', publicUrl: 'http://x' });
  const key = `${'ab'.repeat(32)}.mp4`;

  it('resolves a well-formed key inside the store', () => {
    assert.equal(isAssetKey(key), true);
    assert.equal(store.localPath(key), path.join('/srv/assets', 'ab', 'ab', key));
    assert.deepEqual(parseAssetKey(key), { sha256: 'ab'.repeat(32), extension: 'mp4' });
    assert.equal(mediaTypeForKey(key), 'video/mp4');
    assert.equal(mediaTypeForKey(`${'ab'.repeat(32)}.jpg`), 'image/jpeg');
  });

  for (const bad of [
    '../../etc/passwd',
    `../${key}`,
    `ab/ab/${key}`,
    `${key}/..`,
    '%2e%2e%2fetc%2fpasswd',
    key.toUpperCase(),
    `${'ab'.repeat(32)}`,
    `${'ab'.repeat(32)}.mp4\0`,
    `${'ab'.repeat(31)}.mp4`,
    '',
  ]) {
    it(`refuses ${JSON.stringify(bad)}`, () => {
      assert.equal(isAssetKey(bad), false);
    });
  }
});

describe('sweepLeftovers (worker start-up)', () => {
  it('removes old staging files and every old file in the scratch directory, sparing recent ones', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'leftovers-'));
    try {
      const config = loadConfig({ DATA_DIR: dataDir });
      const store = new LocalAssetStore({ rootDir: config.assetsDir, publicUrl: config.publicUrl });
      await mkdir(store.stagingDir, { recursive: true });
      await mkdir(config.scratchDir, { recursive: true });
      const hoursAgo = new Date(Date.now() - 2 * 3_600_000);
      const old = [path.join(store.stagingDir, 'a.part'), path.join(config.scratchDir, 'b.part'), path.join(config.scratchDir, `c-${'ab'.repeat(32)}.png`)];
      const fresh = [path.join(store.stagingDir, 'd.part'), path.join(config.scratchDir, `e-${'cd'.repeat(32)}.mp4`)];
      for (const file of [...old, ...fresh]) await writeFile(file, 'x');
      for (const file of old) await utimes(file, hoursAgo, hoursAgo);
      assert.equal(await sweepLeftovers(store, config), 3);
      assert.deepEqual((await listFiles(dataDir)).sort(), fresh.map((file) => path.relative(dataDir, file)).sort());
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
