/**
 * 8. Worker at idle: the worker as production runs it (`npm run worker:prod`: compiled JavaScript
 * and the prebuilt workflow bundle, after `npm run build`) against the same worker under ts-node
 * (`npm run worker`), each connected to the same Temporal, database and simulator, measured
 * IDLE_SECONDS after it says "worker started", before any workflow runs. Builds first when
 * dist/ has no worker. Target: ≤ 150 MB resident. Run: npx ts-node bench/idle-rss.ts
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { startBenchStack, type BenchStack } from './support/bench-stack';
import { loadAverage, memoryMb } from './support/proc-stats';
import { fmt, report, runBench, type Figure } from './support/result';

const ROOT = path.resolve(__dirname, '..');
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 30);
const TARGET_MB = 150;

/** A package script's node command line, so the benchmark runs exactly what the script runs. */
function nodeArgsOf(script: string): string[] {
  const scripts = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const words = scripts[script].split(/\s+/).filter((word) => word !== 'exec');
  if (words[0] === 'node') return words.slice(1);
  if (words[0] === 'ts-node') return [require.resolve('ts-node/dist/bin.js'), ...words.slice(1)];
  throw new Error(`npm run ${script} does not start node: ${scripts[script]}`);
}

async function idleRss(stack: BenchStack, script: string): Promise<number> {
  const child = spawn(process.execPath, nodeArgsOf(script), {
    cwd: ROOT,
    env: { ...stack.env, METRICS_PORT: '0', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    await new Promise<void>((resolve, reject) => {
      let output = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('"worker started"')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`npm run ${script} exited with ${code} before it started`)));
    });
    await new Promise((resolve) => setTimeout(resolve, IDLE_SECONDS * 1000));
    const rss = memoryMb(child.pid!).rss;
    console.log(`  npm run ${script}: ${fmt(rss)} MB resident ${IDLE_SECONDS} s after it started`);
    return rss;
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}

async function main(): Promise<Figure[]> {
  if (!existsSync(path.join(ROOT, 'dist/worker.js')) || !existsSync(path.join(ROOT, 'dist/workflow-bundle.js'))) {
    console.log('  building (npm run build)...');
    const built = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
    if (built.status !== 0) throw new Error(`npm run build failed (${built.status})`);
  }
  const stack = await startBenchStack({ simLatencyMs: 0, worker: 'none' });
  try {
    console.log(`Worker at idle: compiled against ts-node, ${IDLE_SECONDS} s after start; load ${loadAverage()}`);
    const compiled = await idleRss(stack, 'worker:prod');
    const tsNode = await idleRss(stack, 'worker');
    const figure: Figure = {
      bench: 'idle',
      name: `worker resident memory at idle, compiled (npm run worker:prod), ${IDLE_SECONDS} s after start`,
      value: compiled,
      unit: 'MB',
      reference: { name: 'the same worker under ts-node (npm run worker)', value: tsNode, unit: 'MB' },
      ratio: compiled / tsNode,
      target: `≤ ${TARGET_MB} MB`,
      met: compiled <= TARGET_MB,
      limitedBy: 'node, the Temporal core and the libraries the activities load',
      notes: [`load average at the end: ${loadAverage()}`],
    };
    report(figure);
    return [figure];
  } finally {
    await stack.stop();
  }
}

runBench(main);
