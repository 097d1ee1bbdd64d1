import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { freePort } from '../../src/temporal/dev-server';

const ROOT = path.resolve(__dirname, '../..');

/**
 * `npm run worker` as its own process, so a test can kill it with SIGKILL the way a crashed
 * machine would. Resolves once the worker says it started polling.
 */
export async function startWorkerProcess(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  // Metrics on free ports: the defaults (9464, 9465) may be taken by another worker on this machine.
  const metricsPorts = { METRICS_PORT: '0', TEMPORAL_METRICS_PORT: String(await freePort()) };
  const child = spawn(process.execPath, [require.resolve('ts-node/dist/bin.js'), 'worker.ts'], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', ...metricsPorts, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start within 90 s:\n${output}`)), 90_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes('worker started')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited with ${code} before starting:\n${output}`));
    });
  });
  child.stdout!.resume();
  child.stderr!.resume();
  return child;
}

export function killHard(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}
