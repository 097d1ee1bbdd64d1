import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../src/temporal/dev-server';
import { testDatabase } from '../db/test-databases';
import { testServer } from '../helpers/temporal';
import { jsonLogMessages, startNpmScript, type NpmProcess } from './npm-process';

describe('the web server process (npm run web)', function () {
  this.timeout(120_000);
  let web: NpmProcess | undefined;
  let dataDir: string;

  after(() => {
    web?.killAll();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers its health check, then on SIGTERM closes, exits 0 and has logged JSON only', async () => {
    const [server, database] = await Promise.all([testServer(), testDatabase('postgres')]);
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'web-ops-'));
    const port = await freePort();
    web = await startNpmScript(
      'web',
      {
        TEMPORAL_ADDRESS: server.address,
        DATABASE_URL: database.databaseUrl,
        DATA_DIR: dataDir,
        HOST: '127.0.0.1',
        PORT: String(port),
        REVIEW_API_TOKEN: 'ops-test-token',
      },
      'Server listening at',
    );
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    assert.equal(health.status, 200);

    const signalledAt = Date.now();
    web.child.kill('SIGTERM');
    const { code, signal } = await web.exited;
    assert.equal(signal, null, web.output());
    assert.equal(code, 0, web.output());
    assert.ok(Date.now() - signalledAt < 10_000);
    await assert.rejects(fetch(`http://127.0.0.1:${port}/healthz`), 'the port is closed');

    const messages = jsonLogMessages(web.stdoutLines());
    assert.ok(messages.includes('shutting down'), messages.join(' | '));
  });
});
