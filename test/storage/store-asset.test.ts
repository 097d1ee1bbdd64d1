import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { CancelledFailure, ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createOutputStorer, type StoreAssetHeartbeat, type StoreOutputDeps, type StoreOutputRequest } from '../../activities/store-output';
import type { AssetRef } from '../../src/domain/asset';
import { FailureType } from '../../src/domain/failures';
import { LocalAssetStore } from '../../src/storage/local-asset-store';
import { startAssetServer, type TestAssetServer } from './asset-server';
import { listFiles } from './list-files';
import { generatedBody, makeMp4, makePng, paddedMp4Body } from './media-fixtures';

const MB = 1024 * 1024;
const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

/** Asserts the promise fails with an ApplicationFailure of `type` and returns it for more checks. */
async function failureOf(promise: Promise<unknown>, type: string): Promise<ApplicationFailure> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ApplicationFailure, `expected an ApplicationFailure, got ${String(error)}`);
    assert.equal(error.type, type, error.message);
    return error;
  }
  assert.fail(`expected a ${type} failure`);
}

/** Counts sockets opened by http/https agents, to prove a refusal came before any connection. */
function spyOnConnections(): { count: () => number; restore: () => void } {
  let opened = 0;
  const agents = [http.Agent.prototype, https.Agent.prototype] as unknown as { createConnection: (...args: unknown[]) => unknown }[];
  const originals = agents.map((agent) => agent.createConnection);
  agents.forEach((agent, index) => {
    agent.createConnection = function (this: unknown, ...args: unknown[]) {
      opened += 1;
      return originals[index].apply(this, args);
    };
  });
  return { count: () => opened, restore: () => agents.forEach((agent, index) => (agent.createConnection = originals[index])) };
}

describe('storeOutput: a provider output copied into our store', function () {
  let png: Buffer;
  let mp4: Buffer;
  let server: TestAssetServer;
  let root: string;
  let store: LocalAssetStore;

  before(async () => {
    [png, mp4] = await Promise.all([makePng(96, 54), makeMp4(320, 180, 2)]);
    server = await startAssetServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://x');
      const size = Number(url.searchParams.get('bytes') ?? 0);
      switch (url.pathname) {
        case '/image.png':
          response.writeHead(200, { 'content-type': 'image/png', 'content-length': png.length }).end(png);
          return;
        case '/clip.mp4':
          response.writeHead(200, { 'content-type': 'video/mp4', 'content-length': mp4.length }).end(mp4);
          return;
        case '/announced-large': // honest Content-Length above the cap
          response.writeHead(200, { 'content-length': size });
          void pipeline(generatedBody(size), response).catch(() => undefined);
          return;
        case '/chunked-large': // no Content-Length: only counting can catch it
          response.writeHead(200, { 'content-type': 'video/mp4' });
          void pipeline(generatedBody(size), response).catch(() => undefined);
          return;
        case '/padded.mp4': // a real clip padded to `bytes`, streamed without buffering
          response.writeHead(200, { 'content-type': 'video/mp4' });
          void pipeline(paddedMp4Body(mp4, size), response).catch(() => undefined);
          return;
        case '/truncated':
          response.writeHead(200, { 'content-length': png.length * 2 });
          response.write(png);
          setTimeout(() => response.socket?.destroy(), 20);
          return;
        case '/stall': // some bytes, then silence until the client gives up
          response.writeHead(200, { 'content-type': 'video/mp4' });
          response.write(Buffer.alloc(256 * 1024, 1));
          return;
        case '/redirect':
          response.writeHead(302, { location: '/image.png' }).end();
          return;
        case '/redirect-private':
          response.writeHead(302, { location: 'https://10.0.0.1/image.png' }).end();
          return;
        case '/redirect-loop':
          response.writeHead(302, { location: '/redirect-loop' }).end();
          return;
        case '/text':
          response.writeHead(200, { 'content-type': 'text/html' }).end('<html>not media</html>');
          return;
        case '/rate-limited':
          response.writeHead(429, { 'retry-after': '3' }).end();
          return;
        default: {
          const status = Number(url.pathname.match(/^\/status\/(\d+)$/)?.[1] ?? 404);
          response.writeHead(status).end('no');
        }
      }
    });
  });
  after(async () => {
    await server.close();
  });

  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'store-asset-'));
    store = new LocalAssetStore({ rootDir: root, publicUrl: 'http://localhost:3000' });
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const storeOutput = (overrides: Partial<StoreOutputDeps> = {}) =>
    createOutputStorer({ store, maxAssetBytes: 10 * MB, allowLoopback: true, ...overrides });
  const request = (url: string, expectedKind: StoreOutputRequest['expectedKind'] = 'image'): StoreOutputRequest => ({
    url,
    sceneId: 7,
    expectedKind,
  });
  const assertStoreEmpty = async (): Promise<void> => assert.deepEqual(await listFiles(root), []);

  it('stores a PNG with its sha256, size and dimensions, at a served path', async () => {
    const ref = await storeOutput()(request(server.url('/image.png')));
    assert.equal(ref.sha256, sha256(png));
    assert.equal(ref.key, `${sha256(png)}.png`);
    assert.equal(ref.sizeBytes, png.length);
    assert.equal(ref.mediaType, 'image/png');
    assert.deepEqual([ref.width, ref.height], [96, 54]);
    assert.equal(ref.durationSeconds, undefined);
    assert.equal(ref.url, `http://localhost:3000/assets/${ref.key}`);
    assert.deepEqual(await readFile(store.localPath(ref.key)), png);
  });

  it('stores an MP4 with dimensions and duration', async () => {
    const ref = await storeOutput()(request(server.url('/clip.mp4'), 'video'));
    assert.equal(ref.sha256, sha256(mp4));
    assert.equal(ref.sizeBytes, mp4.length);
    assert.equal(ref.mediaType, 'video/mp4');
    assert.equal(ref.key, `${sha256(mp4)}.mp4`);
    assert.deepEqual([ref.width, ref.height], [320, 180]);
    assert.ok(Math.abs((ref.durationSeconds ?? 0) - 2) < 0.2);
    assert.equal(await store.has(ref.key), true);
  });

  it('stores the same content once when fetched twice', async () => {
    const first = await storeOutput()(request(server.url('/image.png')));
    const second = await storeOutput()(request(server.url('/redirect')));
    assert.equal(second.key, first.key);
    assert.deepEqual(await listFiles(root), [path.relative(root, store.localPath(first.key))]);
  });

  it('refuses plain http when loopback is not allowed, before connecting', async () => {
    const connections = spyOnConnections();
    try {
      const failure = await failureOf(storeOutput({ allowLoopback: false })(request(server.url('/image.png'))), FailureType.unsafeUrl);
      assert.equal(failure.nonRetryable, true);
    } finally {
      connections.restore();
    }
    assert.equal(connections.count(), 0);
    await assertStoreEmpty();
  });

  it('refuses private addresses, literal or resolved, without opening a connection', async () => {
    const connections = spyOnConnections();
    try {
      const resolve = async () => [{ address: '192.168.1.1', family: 4 }];
      for (const url of ['https://10.1.2.3/a.png', 'http://192.168.1.1/a.png', 'https://assets.example.com/a.png']) {
        await failureOf(storeOutput({ resolve })(request(url)), FailureType.unsafeUrl);
      }
    } finally {
      connections.restore();
    }
    assert.equal(connections.count(), 0);
    await assertStoreEmpty();
  });

  it('refuses a hostname that re-resolves to a private address at connect time', async () => {
    let lookups = 0;
    const rebinding = async () => [{ address: (lookups += 1) === 1 ? '93.184.216.34' : '10.0.0.7', family: 4 }];
    const failure = await failureOf(storeOutput({ resolve: rebinding })(request('https://rebind.example/a.png')), FailureType.unsafeUrl);
    assert.match(failure.message, /10\.0\.0\.7/);
    assert.equal(lookups, 2);
  });

  it('follows a redirect but refuses one that leads to a private address', async () => {
    await failureOf(storeOutput()(request(server.url('/redirect-private'))), FailureType.unsafeUrl);
    await failureOf(storeOutput()(request(server.url('/redirect-loop'))), FailureType.unsafeUrl);
    await assertStoreEmpty();
  });

  it('refuses an announced Content-Length over the cap without reading the body', async () => {
    const announced = 64 * MB;
    const failure = await failureOf(
      storeOutput({ maxAssetBytes: MB })(request(server.url(`/announced-large?bytes=${announced}`))),
      FailureType.assetTooLarge,
    );
    assert.equal(failure.nonRetryable, true);
    assert.match(failure.message, /67108864/);
    await assertStoreEmpty();
  });

  it('stops a chunked download as soon as it passes the cap and leaves no partial file', async () => {
    const failure = await failureOf(
      storeOutput({ maxAssetBytes: MB })(request(server.url(`/chunked-large?bytes=${8 * MB}`))),
      FailureType.assetTooLarge,
    );
    assert.equal(failure.nonRetryable, true);
    await assertStoreEmpty();
  });

  for (const status of [403, 404, 410]) {
    it(`treats HTTP ${status} as an expired URL: asset_gone, not retried`, async () => {
      const failure = await failureOf(storeOutput()(request(server.url(`/status/${status}`))), FailureType.assetGone);
      assert.equal(failure.nonRetryable, true);
      await assertStoreEmpty();
    });
  }

  it('treats HTTP 500 as unavailable and retryable', async () => {
    const failure = await failureOf(storeOutput()(request(server.url('/status/500'))), FailureType.unavailable);
    assert.equal(failure.nonRetryable, false);
  });

  it('passes a 429 retry-after on as the next retry delay', async () => {
    const failure = await failureOf(storeOutput()(request(server.url('/rate-limited'))), FailureType.unavailable);
    assert.equal(failure.nextRetryDelay, 3000);
  });

  it('treats a refused connection and a body cut short as unavailable, leaving nothing behind', async () => {
    const closed = await startAssetServer(() => undefined);
    const deadUrl = closed.url('/gone.png');
    await closed.close();
    await failureOf(storeOutput()(request(deadUrl)), FailureType.unavailable);
    await failureOf(storeOutput()(request(server.url('/truncated'))), FailureType.unavailable);
    await assertStoreEmpty();
  });

  it('gives up on a server that goes silent', async () => {
    const failure = await failureOf(storeOutput({ idleTimeoutMs: 200 })(request(server.url('/stall'), 'video')), FailureType.unavailable);
    assert.match(failure.message, /No data/);
    await assertStoreEmpty();
  });

  it('refuses a download that is not media, or not the kind expected, as asset_invalid', async () => {
    const failure = await failureOf(storeOutput()(request(server.url('/text'))), FailureType.assetInvalid);
    assert.equal(failure.nonRetryable, true);
    await failureOf(storeOutput()(request(server.url('/image.png'), 'video')), FailureType.assetInvalid);
    await assertStoreEmpty();
  });

  it('keeps signed query strings out of failure messages', async () => {
    const failure = await failureOf(storeOutput()(request(server.url('/status/410?X-Amz-Signature=secret123'))), FailureType.assetGone);
    assert.doesNotMatch(failure.message, /secret123/);
    assert.doesNotMatch(JSON.stringify(failure.details), /secret123/);
  });

  describe('inside an activity', () => {
    const quietLogger = new DefaultLogger('WARN');

    it('heartbeats the bytes received', async () => {
      const env = new MockActivityEnvironment(undefined, { logger: quietLogger });
      const beats: StoreAssetHeartbeat[] = [];
      env.on('heartbeat', (details: StoreAssetHeartbeat) => beats.push(details));
      const ref: AssetRef = await env.run(storeOutput({ heartbeatEveryMs: 0 }), request(server.url('/clip.mp4'), 'video'));
      assert.ok(beats.length > 0);
      assert.equal(beats.at(-1)?.bytes, ref.sizeBytes);
    });

    it('aborts the download when cancelled and leaves no partial file', async () => {
      const env = new MockActivityEnvironment(undefined, { logger: quietLogger });
      env.on('heartbeat', (details: StoreAssetHeartbeat) => {
        if (details.bytes > 0) env.cancel();
      });
      await assert.rejects(
        env.run(storeOutput({ heartbeatEveryMs: 0 }), request(server.url('/stall'), 'video')),
        CancelledFailure,
      );
      await assertStoreEmpty();
    });
  });

  it('streams a large download to disk instead of holding it in memory', async function () {
    this.timeout(60_000);
    const size = 200 * MB;
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
    try {
      const ref = await storeOutput({ maxAssetBytes: size + MB })(request(server.url(`/padded.mp4?bytes=${size}`), 'video'));
      assert.equal(ref.sizeBytes, size);
      assert.equal(ref.mediaType, 'video/mp4');
      assert.deepEqual([ref.width, ref.height], [320, 180]);
    } finally {
      clearInterval(sampler);
    }
    const growthMb = (peak - baseline) / MB;
    assert.ok(growthMb < 64, `RSS grew by ${growthMb.toFixed(1)} MB while streaming ${size / MB} MB`);
  });
});
