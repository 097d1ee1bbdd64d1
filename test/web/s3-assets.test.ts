import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { S3AssetStore } from '../../src/storage/s3-asset-store';
import { buildWebServer } from '../../src/web/server';
import { testDatabase } from '../db/test-databases';
import { startS3Server, type S3TestServer } from '../helpers/s3-server';
import { testEnv } from '../helpers/temporal';

const TOKEN = 'the-only-token-0123456789';
const ASSET_BYTES = Buffer.from('\x89PNG\r\n\x1a\n-bytes-that-live-only-in-the-object-store', 'latin1');

/**
 * The web server with ASSET_STORE=s3://...: /assets/<key> is streamed from the object store, so
 * the web server needs no disk the worker wrote to.
 */
describe('HTTP API: assets in the object store', function () {
  this.timeout(60_000);
  let server: S3TestServer;
  let scratch: string;
  let store: S3AssetStore;
  let app: FastifyInstance;
  let key: string;

  before(async function () {
    this.timeout(300_000);
    server = await startS3Server();
    scratch = mkdtempSync(path.join(tmpdir(), 'web-s3-'));
    // Written by another store object (as a worker on another host would), read by this one.
    key = (await server.store(mkdtempSync(path.join(scratch, 'worker-'))).put(Readable.from([ASSET_BYTES]), 'png')).key;
    store = server.store(path.join(scratch, 'web'));
    const { client } = await testEnv();
    app = buildWebServer({
      db: (await testDatabase('pglite')).db,
      temporal: client,
      taskQueue: 'unused',
      assets: store,
      reviewers: [{ reviewer: 'reviewer', token: TOKEN }],
    });
  });
  after(async () => {
    await app?.close();
    await server?.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('serves an object without a token, with its media type, length and caching headers', async () => {
    const response = await app.inject({ url: `/assets/${key}` });
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['content-type'], 'image/png');
    assert.equal(Number(response.headers['content-length']), ASSET_BYTES.length);
    assert.equal(response.headers['x-content-type-options'], 'nosniff');
    assert.match(String(response.headers['cache-control']), /immutable/);
    assert.deepEqual(response.rawPayload, ASSET_BYTES);
    const head = await app.inject({ method: 'HEAD', url: `/assets/${key}` });
    assert.equal(head.statusCode, 200);
    assert.equal(Number(head.headers['content-length']), ASSET_BYTES.length);
    assert.equal(head.rawPayload.length, 0);
  });

  it('answers byte ranges from the object store', async () => {
    const part = await app.inject({ url: `/assets/${key}`, headers: { range: 'bytes=2-5' } });
    assert.equal(part.statusCode, 206);
    assert.equal(part.headers['content-range'], `bytes 2-5/${ASSET_BYTES.length}`);
    assert.deepEqual(part.rawPayload, ASSET_BYTES.subarray(2, 6));
    const tail = await app.inject({ url: `/assets/${key}`, headers: { range: 'bytes=-4' } });
    assert.deepEqual(tail.rawPayload, ASSET_BYTES.subarray(-4));
    const beyond = await app.inject({ url: `/assets/${key}`, headers: { range: 'bytes=9999-' } });
    assert.equal(beyond.statusCode, 416);
  });

  it('answers 404 for a key the store does not have and 400 for what is not a key', async () => {
    const missing = await app.inject({ url: `/assets/${'9'.repeat(64)}.png` });
    assert.equal(missing.statusCode, 404);
    assert.deepEqual(missing.json(), { error: 'No such asset' });
    assert.equal((await app.inject({ url: '/assets/..%2Fpackage.json' })).statusCode, 400);
  });

  it('answers 503 while the object store is down, and serves again once it is back', async () => {
    await server.stop();
    try {
      const down = await app.inject({ url: `/assets/${key}` });
      assert.equal(down.statusCode, 503);
      assert.equal(typeof down.json<{ error: string }>().error, 'string');
      assert.doesNotMatch(down.body, /127\.0\.0\.1|ECONNREFUSED/, 'no internals in the answer');
    } finally {
      await server.restart();
    }
    const back = await app.inject({ url: `/assets/${key}` });
    assert.equal(back.statusCode, 200);
    assert.deepEqual(back.rawPayload, ASSET_BYTES);
  });
});
