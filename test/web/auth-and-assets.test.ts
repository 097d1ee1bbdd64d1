import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../src/db/database';
import { loadConfig, parseReviewerTokens } from '../../src/config';
import { shardedRelativePath } from '../../src/storage/asset-key';
import { LocalAssetStore } from '../../src/storage/local-asset-store';
import { buildWebServer } from '../../src/web/server';
import { testDatabase } from '../db/test-databases';
import { testEnv } from '../helpers/temporal';

const TOKEN = 'the-only-token-0123456789';
const ASSET_BYTES = Buffer.from('\x89PNG\r\n\x1a\n-not-really-an-image-but-bytes', 'latin1');

async function server(db: Db, assetsDir: string): Promise<FastifyInstance> {
  const { client } = await testEnv();
  const assets = new LocalAssetStore({ rootDir: assetsDir, publicUrl: 'http://localhost:3000' });
  return buildWebServer({ db, temporal: client, taskQueue: 'unused', assets, reviewers: [{ reviewer: 'reviewer', token: TOKEN }] });
}

describe('HTTP API: tokens, errors and stored assets', function () {
  this.timeout(60_000);
  let app: FastifyInstance;
  let assetsDir: string;
  let assetKey: string;
  let clipKey: string;
  const folderKey = `${'0f'.repeat(32)}.png`;
  const linkKey = `${'1e'.repeat(32)}.png`;
  before(async function () {
    this.timeout(240_000);
    assetsDir = mkdtempSync(path.join(tmpdir(), 'web-assets-'));
    // Written by the real store, so the route and the store agree on where files live.
    const store = new LocalAssetStore({ rootDir: assetsDir, publicUrl: 'http://localhost:3000' });
    assetKey = (await store.put(Readable.from([ASSET_BYTES]), 'png')).key;
    clipKey = (await store.put(Readable.from([Buffer.alloc(10)]), 'mp4')).key;
    mkdirSync(path.join(assetsDir, shardedRelativePath(folderKey)), { recursive: true });
    const linkPath = path.join(assetsDir, shardedRelativePath(linkKey));
    mkdirSync(path.dirname(linkPath), { recursive: true });
    symlinkSync(path.resolve('package.json'), linkPath);
    app = await server((await testDatabase('pglite')).db, assetsDir);
  });
  after(() => app.close());

  describe('bearer tokens', () => {
    it('accepts the token in any case of the scheme and refuses the rest with 401 JSON', async () => {
      const ok = await app.inject({ url: '/api/review-queue', headers: { authorization: `bearer ${TOKEN}` } });
      assert.equal(ok.statusCode, 200);
      for (const authorization of [undefined, `Bearer ${TOKEN.toUpperCase()}`, `Bearer ${TOKEN} extra`, `Token ${TOKEN}`, TOKEN]) {
        const refused = await app.inject({ url: '/api/review-queue', headers: authorization ? { authorization } : {} });
        assert.equal(refused.statusCode, 401, String(authorization));
        assert.equal(typeof refused.json<{ error: string }>().error, 'string');
      }
    });

    it('guards unknown /api routes too, so they reveal nothing without a token', async () => {
      assert.equal((await app.inject({ url: '/api/secrets' })).statusCode, 401);
      const known = await app.inject({ url: '/api/secrets', headers: { authorization: `Bearer ${TOKEN}` } });
      assert.equal(known.statusCode, 404);
      assert.deepEqual(known.json(), { error: 'No route for GET /api/secrets' });
    });

    it('needs at least one token, and reads named reviewers from REVIEW_API_TOKENS', () => {
      assert.throws(() => buildWebServer({ reviewers: [] } as unknown as Parameters<typeof buildWebServer>[0]), /at least one reviewer token/);
      // CONTRACT.md: a third field lists the token's projects, joined by +; none: every project.
      assert.deepEqual(parseReviewerTokens('ana:token1:7+8, bo:token2'), [
        { reviewer: 'ana', token: 'token1', projects: [7, 8] },
        { reviewer: 'bo', token: 'token2' },
      ]);
      assert.throws(() => parseReviewerTokens('ana'), /REVIEW_API_TOKENS/);
      assert.throws(() => parseReviewerTokens('ana:t1:seven'), /REVIEW_API_TOKENS/);
      assert.throws(() => parseReviewerTokens('ana:t1:7+'), /REVIEW_API_TOKENS/);
      assert.throws(() => parseReviewerTokens('ana:t1:7:8'), /REVIEW_API_TOKENS/);
      assert.throws(() => loadConfig({ REVIEW_API_TOKENS: ':t1' }), /REVIEW_API_TOKENS/);
      assert.equal(loadConfig({}).host, '127.0.0.1');
    });
  });

  describe('failures of our own', () => {
    it('answer 500 or 503 with a generic JSON error, never the cause or a stack', async () => {
      const failing = () => {
        throw new Error('connection refused at /srv/secret/db.ts:12');
      };
      const brokenDb = { kysely: { selectFrom: failing, executeQuery: failing, getExecutor: failing } } as unknown as Db;
      const broken = await server(brokenDb, assetsDir);
      try {
        const scene = await broken.inject({ url: '/api/scenes/1', headers: { authorization: `Bearer ${TOKEN}` } });
        assert.equal(scene.statusCode, 500);
        assert.deepEqual(scene.json(), { error: 'Internal server error' });
        const health = await broken.inject({ url: '/healthz' });
        assert.equal(health.statusCode, 503);
        assert.deepEqual(health.json(), { error: 'Database unavailable' });
      } finally {
        await broken.close();
      }
      const healthy = await app.inject({ url: '/healthz' });
      assert.equal(healthy.statusCode, 200);
      assert.deepEqual(healthy.json(), { status: 'ok' });
    });
  });

  describe('stored assets', () => {
    it('serves an asset without a token, with its media type, as immutable', async () => {
      const response = await app.inject({ url: `/assets/${assetKey}` });
      assert.equal(response.statusCode, 200);
      assert.equal(response.headers['content-type'], 'image/png');
      assert.equal(response.headers['x-content-type-options'], 'nosniff');
      assert.match(String(response.headers['cache-control']), /immutable/);
      assert.deepEqual(response.rawPayload, ASSET_BYTES);
      const clip = await app.inject({ url: `/assets/${clipKey}` });
      assert.equal(clip.headers['content-type'], 'video/mp4');
      const head = await app.inject({ method: 'HEAD', url: `/assets/${assetKey}` });
      assert.equal(head.statusCode, 200);
      assert.equal(Number(head.headers['content-length']), ASSET_BYTES.length);
    });

    it('answers byte ranges, so browsers can seek in clips', async () => {
      const part = await app.inject({ url: `/assets/${assetKey}`, headers: { range: 'bytes=2-5' } });
      assert.equal(part.statusCode, 206);
      assert.equal(part.headers['content-range'], `bytes 2-5/${ASSET_BYTES.length}`);
      assert.deepEqual(part.rawPayload, ASSET_BYTES.subarray(2, 6));
      const tail = await app.inject({ url: `/assets/${assetKey}`, headers: { range: 'bytes=-4' } });
      assert.deepEqual(tail.rawPayload, ASSET_BYTES.subarray(-4));
      const beyond = await app.inject({ url: `/assets/${assetKey}`, headers: { range: 'bytes=9999-' } });
      assert.equal(beyond.statusCode, 416);
      assert.equal(beyond.headers['content-range'], `bytes */${ASSET_BYTES.length}`);
    });

    it('refuses paths out of the store, hidden files, folders and links that lead outside', async () => {
      for (const url of [
        '/assets/..%2Fpackage.json',
        '/assets/%2E%2E/package.json',
        '/assets/../package.json',
        '/assets/.hidden',
        `/assets/${shardedRelativePath(assetKey)}`,
        `/assets/${assetKey.toUpperCase()}`,
        `/assets/${folderKey}`,
        `/assets/${linkKey}`,
        `/assets/${'9'.repeat(64)}.png`,
        '/assets/',
      ]) {
        const response = await app.inject({ url });
        assert.ok([400, 404].includes(response.statusCode), `${url}: ${response.statusCode}`);
        assert.equal(typeof response.json<{ error: string }>().error, 'string', url);
        assert.doesNotMatch(response.body, /scene-regeneration/, url);
      }
    });
  });
});
