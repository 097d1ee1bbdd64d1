import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { DEFAULT_UI_DIST_DIR, registerReviewUi } from '../../src/web/serve-ui';

describe('serving the review page', () => {
  let root: string;
  let distDir: string;
  let app: FastifyInstance;

  before(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'serve-ui-'));
    distDir = path.join(root, 'dist');
    mkdirSync(path.join(distDir, 'assets'), { recursive: true });
    writeFileSync(path.join(distDir, 'index.html'), '<!doctype html><div id="root"></div>');
    writeFileSync(path.join(distDir, 'assets', 'index-abc123.js'), 'console.log(1)');
    writeFileSync(path.join(distDir, 'assets', 'index-abc123.css'), 'body{}');
    writeFileSync(path.join(root, 'secret.txt'), 'outside the build');
    symlinkSync(path.join(root, 'secret.txt'), path.join(distDir, 'assets', 'link.txt'));
    app = Fastify();
    registerReviewUi(app, { distDir, temporalUiUrl: 'http://temporal.example:8233/' });
  });

  after(async () => {
    await app.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('serves the page at / and /ui/ with a policy that allows only its own scripts', async () => {
    for (const url of ['/', '/ui/', '/ui/index.html']) {
      const response = await app.inject({ url });
      assert.equal(response.statusCode, 200, url);
      assert.equal(response.headers['content-type'], 'text/html; charset=utf-8');
      assert.match(String(response.headers['content-security-policy']), /script-src 'self'/);
      assert.equal(response.headers['cache-control'], 'no-cache');
      assert.match(response.body, /id="root"/);
    }
    const redirect = await app.inject({ url: '/ui' });
    assert.equal(redirect.statusCode, 302);
    assert.equal(redirect.headers.location, '/ui/');
  });

  it('serves the hashed bundle files as cacheable forever, with their types', async () => {
    const script = await app.inject({ url: '/ui/assets/index-abc123.js' });
    assert.equal(script.statusCode, 200);
    assert.equal(script.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.match(String(script.headers['cache-control']), /immutable/);
    assert.equal(script.body, 'console.log(1)');
    const style = await app.inject({ url: '/ui/assets/index-abc123.css' });
    assert.equal(style.headers['content-type'], 'text/css; charset=utf-8');
  });

  it('tells the page where the Temporal Web UI is', async () => {
    const response = await app.inject({ url: '/ui/config.json' });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { temporalUiUrl: 'http://temporal.example:8233', temporalNamespace: 'default' });
  });

  it('answers 404 for anything outside the build, however the path is spelled', async () => {
    for (const url of [
      '/ui/missing.js',
      '/ui/../secret.txt',
      '/ui/%2e%2e/secret.txt',
      '/ui/assets/..%2f..%2fsecret.txt',
      '/ui/assets/link.txt',
      '/ui/assets',
    ]) {
      const response = await app.inject({ url });
      assert.equal(response.statusCode, 404, url);
      assert.doesNotMatch(response.body, /outside the build/, url);
    }
  });

  it('says how to build the page when it is not built', async () => {
    const bare = Fastify();
    registerReviewUi(bare, { distDir: path.join(root, 'no-such-dir') });
    try {
      const response = await bare.inject({ url: '/' });
      assert.equal(response.statusCode, 503);
      assert.match(response.body, /npm run ui:build/);
      assert.equal((await bare.inject({ url: '/ui/config.json' })).json().temporalUiUrl, 'http://localhost:8233');
    } finally {
      await bare.close();
    }
  });

  it('looks for the build where the Vite config writes it', () => {
    assert.equal(DEFAULT_UI_DIST_DIR, path.resolve(__dirname, '../../src/ui/dist'));
  });
});
