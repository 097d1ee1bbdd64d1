import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';

const ROOT = path.resolve(__dirname, '../..');

// The Runtime is one per process and mocha's already has one, so each case runs in a fresh node.
const PROBE = `
const pino = require('pino');
const { installTemporalRuntime } = require('./src/observability/temporal-runtime');
const installed = installTemporalRuntime({ logger: pino({ name: 'probe' }), metricsPort: Number(process.env.PROBE_PORT) });
fetch(installed.temporalMetricsUrl ?? 'http://127.0.0.1:1/')
  .then((answer) => answer.status, () => 'unreachable')
  .then((status) => console.log(JSON.stringify({ probe: installed, exporterStatus: status })))
  // The Runtime keeps the process alive (and takes SIGTERM for its workers): end it here.
  .finally(() => process.exit(0));
`;

async function runProbe(port: number): Promise<{ lines: Record<string, unknown>[] }> {
  const { stdout } = await promisify(execFile)(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', PROBE], {
    cwd: ROOT,
    env: { ...process.env, PROBE_PORT: String(port), TS_NODE_TRANSPILE_ONLY: 'true' },
    timeout: 60_000,
    killSignal: 'SIGKILL',
  });
  return { lines: stdout.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, unknown>) };
}

// The exporter's happy path is covered through the worker process (worker-process.test.ts).
describe('installTemporalRuntime', function () {
  this.timeout(90_000);

  it('runs on without Temporal metrics when the port is taken, and logs why as JSON', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const { lines } = await runProbe((taken.address() as AddressInfo).port);
      assert.deepEqual(lines.find((line) => 'probe' in line), { probe: {}, exporterStatus: 'unreachable' });
      const error = lines.find((line) => line.level === 50);
      assert.match(String(error?.msg), /Temporal metrics exporter could not start/);
    } finally {
      taken.close();
    }
  });
});
