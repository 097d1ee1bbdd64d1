import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../src/temporal/dev-server';

const run = promisify(execFile);

describe('npm run demo -- --once', function () {
  this.timeout(300_000);

  it('runs the sample storyboard on embedded defaults and exits 0 with the final table', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'demo-once-'));
    try {
      const [port, temporalPort, uiPort, temporalMetricsPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
      const { stdout } = await run('npm', ['run', '--silent', 'demo', '--', '--once'], {
        cwd: path.resolve(__dirname, '../..'),
        env: {
          ...process.env,
          DATA_DIR: dataDir,
          PORT: String(port),
          TEMPORAL_PORT: String(temporalPort),
          TEMPORAL_UI_PORT: String(uiPort),
          TEMPORAL_METRICS_PORT: String(temporalMetricsPort),
          METRICS_PORT: '0',
          SIM_LATENCY_MS: '200',
          DATABASE_URL: '',
          ANTHROPIC_API_KEY: '',
          PIAPI_API_KEY: '',
          RUNWAYML_API_SECRET: '',
          FAL_KEY: '',
          SIM_URL: '',
        },
        maxBuffer: 10 * 1024 * 1024,
      });
      assert.match(stdout, /PROVIDERS ARE SIMULATED/);
      // The table: a header, a rule, then one row per scene up to the first blank line.
      const table = stdout.slice(stdout.indexOf('scene  first score')).split('\n\n')[0];
      const rows = table.split('\n').slice(2);
      assert.equal(rows.length, 8, table);
      // Every scene ends either passed or in the review queue; none failed.
      for (const row of rows) assert.match(row, /passed|awaiting review/);
      assert.ok(rows.some((row) => /awaiting review/.test(row)), 'the neon scene escalates');
      assert.ok(rows.some((row) => /passed/.test(row)), 'scenes improve and pass');
      assert.match(stdout, new RegExp(`Review page: +http://127\\.0\\.0\\.1:${port}/`));
      assert.match(stdout, new RegExp(`Temporal Web UI: http://127\\.0\\.0\\.1:${uiPort}/`));
      assert.match(stdout, /Metrics: +http:\/\/127\.0\.0\.1:\d+\/metrics/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
