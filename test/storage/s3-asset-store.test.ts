import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { buffer, text } from 'node:stream/consumers';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { pipeline } from 'node:stream/promises';
import { createOutputStorer, type StoreAssetHeartbeat } from '../../activities/store-output';
import type { AssetRef } from '../../src/domain/asset';
import { loadConfig } from '../../src/config';
import { FailureType } from '../../src/domain/failures';
import { AssetStoreUnavailableError, AssetTooLargeError } from '../../src/storage/asset-store';
import { createAssetStore, openAssetStore } from '../../src/storage/open-asset-store';
import { AssetStoreCheckError, S3AssetStore } from '../../src/storage/s3-asset-store';
import { freePort } from '../../src/temporal/dev-server';
import { S3_ACCESS_KEY, S3_SECRET_KEY, startS3Server, type S3TestServer } from '../helpers/s3-server';
import { startAssetServer, type TestAssetServer } from './asset-server';
import { listFiles } from './list-files';
import { generatedBody, makeMp4, makePng, paddedMp4Body } from './media-fixtures';

const MB = 1024 * 1024;
const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

/** The S3 store against a real S3 server (versitygw, test/helpers/s3-server.ts). */
describe('S3AssetStore (versitygw)', function () {
  this.timeout(60_000);
  let server: S3TestServer;
  let scratch: string;
  let store: S3AssetStore;

  before(async function () {
    this.timeout(300_000); // the first run may build versitygw
    server = await startS3Server();
  });
  after(async () => {
    await server?.close();
  });
  beforeEach(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 's3-scratch-'));
    store = server.store(scratch, 'project/assets');
  });
  afterEach(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  /** The object's file in versitygw's folder: `<bucket>/<object key>`. */
  const objectFile = (key: string): string => path.join(server.dir, server.bucket, store.objectKey(key));

  it('stores content under <prefix>/<aa>/<bb>/<sha256>.<ext>, serves a stable URL and reads it back', async () => {
    const stored = await store.put(Readable.from([Buffer.from('hello object')]), 'png');
    const digest = sha256('hello object');
    assert.equal(stored.key, `${digest}.png`);
    assert.equal(stored.sha256, digest);
    assert.equal(stored.sizeBytes, 12);
    assert.equal(stored.url, `http://localhost:3000/assets/${digest}.png`);
    assert.equal(store.objectKey(stored.key), `project/assets/${digest.slice(0, 2)}/${digest.slice(2, 4)}/${digest}.png`);
    assert.equal(await readFile(objectFile(stored.key), 'utf8'), 'hello object');
    assert.equal(await store.has(stored.key), true);
    assert.deepEqual(await store.stat(stored.key), { sizeBytes: 12 });
    assert.equal(await text(await store.openRead(stored.key)), 'hello object');
    assert.equal(await text(await store.openRead(stored.key, { start: 6, end: 11 })), 'object');
    assert.equal('localPath' in store, false, 'nothing on this machine to point at');
    assert.deepEqual(await listFiles(scratch), [], 'the staging file is gone once uploaded');
  });

  it('stages to a private file that can be probed, and uploads it on commit', async () => {
    const png = await makePng(32, 18);
    const staged = await store.stage(Readable.from([png]));
    assert.ok(staged.path.startsWith(scratch + path.sep));
    assert.deepEqual(await readFile(staged.path), png);
    assert.equal(await store.has(`${staged.sha256}.png`), false, 'nothing is visible before commit');
    const stored = await store.commit(staged, 'png');
    assert.equal(existsSync(staged.path), false);
    assert.deepEqual(await buffer(await store.openRead(stored.key)), png);
  });

  it('uploads identical content once: the second commit finds it and only discards its staging file', async () => {
    const first = await store.put(Readable.from([Buffer.from('same bytes')]), 'mp4');
    const before = await stat(objectFile(first.key));
    const uploads: string[] = [];
    const unsubscribe = countCommands(store, uploads);
    const second = await store.put(Readable.from([Buffer.from('same'), Buffer.from(' bytes')]), 'mp4');
    unsubscribe();
    assert.equal(second.key, first.key);
    assert.deepEqual(uploads, ['HeadObjectCommand'], 'a HEAD, no upload');
    assert.equal((await stat(objectFile(first.key))).mtimeMs, before.mtimeMs);
    assert.deepEqual(await listFiles(scratch), []);
  });

  it('uploads a file larger than one part in parts, streamed, and reads back the same bytes', async () => {
    const size = 12 * MB + 123;
    const stored = await store.put(generatedBody(size), 'mp4');
    assert.equal(stored.sizeBytes, size);
    const back = createHash('sha256');
    for await (const chunk of await store.openRead(stored.key)) back.update(chunk as Buffer);
    assert.equal(back.digest('hex'), stored.sha256);
  });

  it('reports upload progress on commit (storing an output heartbeats it) and stops on the signal, leaving nothing', async () => {
    const size = 11 * MB;
    const seen: number[] = [];
    const staged = await store.stage(generatedBody(size));
    const stored = await store.commit(staged, 'mp4', { onProgress: (bytes) => seen.push(bytes) });
    assert.ok(seen.length >= 2, `progress per part: ${seen.join(', ')}`);
    assert.equal(Math.max(...seen), size);
    assert.equal(await store.has(stored.key), true);

    const objects = await listFiles(path.join(server.dir, server.bucket));
    const cancelled = await store.stage(generatedBody(size + 1));
    const controller = new AbortController();
    controller.abort(new Error('activity cancelled'));
    await assert.rejects(store.commit(cancelled, 'mp4', { signal: controller.signal }), /activity cancelled/);
    assert.equal(existsSync(cancelled.path), false);
    assert.deepEqual(await listFiles(path.join(server.dir, server.bucket)), objects);
  });

  it('keeps the size cap: over maxBytes is refused in staging and nothing is uploaded', async () => {
    const objects = await listFiles(path.join(server.dir, server.bucket));
    await assert.rejects(
      store.stage(generatedBody(3 * MB), { maxBytes: MB }),
      (error: unknown) => error instanceof AssetTooLargeError && error.limitBytes === MB,
    );
    assert.deepEqual(await listFiles(scratch), []);
    assert.deepEqual(await listFiles(path.join(server.dir, server.bucket)), objects);
  });

  it('rejects openRead of a key that is not stored with ENOENT; has and stat say no', async () => {
    const absent = `${sha256('absent')}.png`;
    await assert.rejects(store.openRead(absent), { code: 'ENOENT' });
    assert.equal(await store.has(absent), false);
    assert.equal(await store.stat(absent), undefined);
  });

  it('is what ASSET_STORE=s3://bucket/prefix makes, with S3_ENDPOINT and the credentials', async () => {
    const config = loadConfig({ ...server.env('made/by/config'), DATA_DIR: scratch, PUBLIC_URL: 'https://regen.example.com' });
    const made = await openAssetStore(config, { writes: true });
    assert.ok(made instanceof S3AssetStore);
    const stored = await made.put(Readable.from([Buffer.from('configured')]), 'png');
    assert.equal(stored.url, `https://regen.example.com/assets/${stored.key}`);
    assert.equal(made.objectKey(stored.key).startsWith('made/by/config/'), true);
    assert.equal(await readFile(path.join(server.dir, server.bucket, made.objectKey(stored.key)), 'utf8'), 'configured');
  });

  it('storing an output into the object store heartbeats the upload too, and returns the served URL', async () => {
    const mp4 = await makeMp4(160, 90, 1);
    const size = 11 * MB;
    const assets = await startAssetServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'video/mp4', 'content-length': size });
      void pipeline(paddedMp4Body(mp4, size), response).catch(() => undefined);
    });
    try {
      const env = new MockActivityEnvironment(undefined, { logger: new DefaultLogger('WARN') });
      const beats: StoreAssetHeartbeat[] = [];
      env.on('heartbeat', (details: StoreAssetHeartbeat) => beats.push(details));
      const storeOutput = createOutputStorer({ store, maxAssetBytes: 20 * MB, allowLoopback: true, heartbeatEveryMs: 0 });
      const ref: AssetRef = await env.run(storeOutput, { url: assets.url('/clip.mp4'), sceneId: 4, expectedKind: 'video' as const });
      assert.equal(ref.url, store.urlFor(ref.key));
      assert.equal(ref.mediaType, 'video/mp4');
      const uploads = beats.filter((beat) => beat.uploadedBytes !== undefined);
      assert.ok(uploads.length > 0, 'heartbeats while uploading');
      assert.ok(uploads.every((beat) => beat.bytes === size));
      assert.equal(Math.max(...uploads.map((beat) => beat.uploadedBytes!)), size);
      assert.equal(await store.has(ref.key), true);
    } finally {
      await assets.close();
    }
  });

  describe('when the store is down', () => {
    it('fails with AssetStoreUnavailableError, and storing an output turns it into a retryable unavailable failure', async () => {
      const png = await makePng(40, 30);
      const assets: TestAssetServer = await startAssetServer((_request, response) => {
        response.writeHead(200, { 'content-type': 'image/png', 'content-length': png.length }).end(png);
      });
      const down = new S3AssetStore({ ...server.storeConfig(), endpoint: `http://127.0.0.1:${await freePort()}`, publicUrl: 'http://x', scratchDir: scratch });
      try {
        await assert.rejects(down.put(Readable.from([Buffer.from('x')]), 'png'), (error: unknown) => {
          assert.ok(error instanceof AssetStoreUnavailableError, String(error));
          assert.match(error.message, /The asset store s3:\/\/assets at http:\/\/127\.0\.0\.1:\d+ is unavailable .*ECONNREFUSED/);
          return true;
        });
        const storeOutput = createOutputStorer({ store: down, maxAssetBytes: 10 * MB, allowLoopback: true });
        await assert.rejects(storeOutput({ url: assets.url('/image.png?sig=secret'), sceneId: 3, expectedKind: 'image' }), (error: unknown) => {
          assert.ok(error instanceof ApplicationFailure, String(error));
          assert.equal(error.type, FailureType.unavailable);
          assert.equal(error.nonRetryable, false);
          assert.match(error.message, /^Storing http:\/\/127\.0\.0\.1:\d+\/image\.png failed: The asset store s3:\/\/assets at .* is unavailable/);
          assert.doesNotMatch(error.message, /secret/);
          return true;
        });
        assert.deepEqual(await listFiles(scratch), [], 'the staging file is removed');
      } finally {
        await assets.close();
      }
    });
  });

  describe('start-up check', () => {
    const check = (overrides: Partial<ConstructorParameters<typeof S3AssetStore>[0]>) =>
      new S3AssetStore({ ...server.storeConfig(), publicUrl: 'http://x', scratchDir: scratch, ...overrides }).check();
    const failsNaming = async (promise: Promise<unknown>, setting: string, pattern: RegExp) => {
      await assert.rejects(promise, (error: unknown) => {
        assert.ok(error instanceof AssetStoreCheckError, String(error));
        assert.equal(error.setting, setting);
        assert.match(error.message, pattern);
        assert.doesNotMatch(error.message, /\n/);
        assert.doesNotMatch(error.message, new RegExp(S3_SECRET_KEY));
        return true;
      });
    };

    it('passes for the right endpoint, credentials and bucket', async () => {
      await check({});
    });
    it('names S3_ENDPOINT when nothing answers there', async () => {
      await failsNaming(check({ endpoint: `http://127.0.0.1:${await freePort()}` }), 'S3_ENDPOINT', /cannot be reached .*ECONNREFUSED/);
    });
    it('names the credentials when they are refused', async () => {
      await failsNaming(
        check({ credentials: { accessKeyId: S3_ACCESS_KEY, secretAccessKey: 'wrong-secret-key-0000' } }),
        'AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY',
        /refused the credentials|denied/,
      );
      await failsNaming(
        check({ credentials: { accessKeyId: 'nobody', secretAccessKey: S3_SECRET_KEY } }),
        'AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY',
        /refused the credentials|denied/,
      );
    });
    it('names ASSET_STORE when the bucket does not exist', async () => {
      await failsNaming(check({ bucket: 'no-such-bucket' }), 'ASSET_STORE', /bucket "no-such-bucket" does not exist/);
    });
    it('is skipped by createAssetStore, which only builds the store', () => {
      const config = loadConfig({ ...server.env(), S3_ENDPOINT: 'http://127.0.0.1:9', DATA_DIR: scratch });
      assert.ok(createAssetStore(config) instanceof S3AssetStore);
    });
  });
});

/** Records the names of the commands the store's client sends until the returned function is called. */
function countCommands(store: S3AssetStore, names: string[]): () => void {
  const id = `count-${Math.random()}`;
  store.client.middlewareStack.add(
    (next, context) => async (args) => {
      names.push(String(context.commandName));
      return next(args);
    },
    { step: 'initialize', name: id },
  );
  return () => {
    store.client.middlewareStack.remove(id);
  };
}
