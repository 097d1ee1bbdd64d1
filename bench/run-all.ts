/**
 * `npm run bench [-- name ...]`: runs the benchmarks one after another, each in a process of
 * its own (so one's memory or Temporal runtime cannot colour the next), streams their output,
 * and ends with a summary table. Exits 1 when a target is not met or a benchmark fails.
 * Names: orchestration, throughput, waiting, makespan, large-asset, tokens, cache, cached-memory, idle, in-flight, scale-out, quality, repair, candidates.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { loadAverage } from './support/proc-stats';
import { fmt, RESULT_PREFIX, type Figure } from './support/result';

const BENCHES: { name: string; file: string; what: string }[] = [
  { name: 'orchestration', file: 'orchestration-cost.ts', what: '1. orchestration cost' },
  { name: 'throughput', file: 'throughput.ts', what: '2. throughput' },
  { name: 'waiting', file: 'waiting-is-free.ts', what: '3. waiting is free' },
  { name: 'makespan', file: 'storyboard-makespan.ts', what: '4. storyboard makespan' },
  { name: 'large-asset', file: 'store-large-asset.ts', what: '5. memory under large assets (local and S3)' },
  { name: 'tokens', file: 'analysis-tokens.ts', what: '6. image tokens per analysis' },
  { name: 'cache', file: 'prompt-cache.ts', what: '6. prompt-cache hit rate' },
  { name: 'cached-memory', file: 'cached-workflow-memory.ts', what: '7. memory per cached workflow' },
  { name: 'idle', file: 'idle-rss.ts', what: '8. worker at idle' },
  { name: 'in-flight', file: 'generations-in-flight.ts', what: '9. generations in flight' },
  { name: 'scale-out', file: 'scale-out.ts', what: '10. scale-out' },
  { name: 'quality', file: 'quality.ts', what: '11. judging and choosing under a noisy judge' },
  { name: 'repair', file: 'repair.ts', what: '12. repairs of local defects against regeneration only' },
  { name: 'candidates', file: 'candidates.ts', what: '13. several candidates at once' },
];

interface Outcome {
  bench: (typeof BENCHES)[number];
  figures: Figure[];
  exitCode: number | null;
  seconds: number;
}

function run(bench: (typeof BENCHES)[number]): Promise<Outcome> {
  console.log(`\n=== ${bench.what} (bench/${bench.file}), load average ${loadAverage()} ===`);
  const started = Date.now();
  const child = spawn(process.execPath, ['-r', 'ts-node/register', path.join(__dirname, bench.file)], {
    cwd: path.resolve(__dirname, '..'),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const figures: Figure[] = [];
  let pending = '';
  child.stdout.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (line.startsWith(RESULT_PREFIX)) figures.push(JSON.parse(line.slice(RESULT_PREFIX.length)) as Figure);
      else console.log(line);
    }
  });
  return new Promise((resolve) => {
    child.once('close', (exitCode) => resolve({ bench, figures, exitCode, seconds: (Date.now() - started) / 1000 }));
  });
}

function summary(outcomes: Outcome[]): string {
  const rows = [['benchmark', 'figure', 'reference', 'ratio', 'target', 'result']];
  for (const { bench, figures, exitCode } of outcomes) {
    if (figures.length === 0) rows.push([bench.what, `failed (exit ${exitCode})`, '', '', '', 'FAILED']);
    for (const f of figures) {
      rows.push([
        bench.what,
        `${fmt(f.value)} ${f.unit}`,
        f.reference ? `${fmt(f.reference.value)} ${f.reference.unit}` : '',
        f.ratio !== undefined ? `${f.ratio.toFixed(2)}×` : '',
        f.target ?? '',
        f.target === undefined ? '' : f.met ? 'MET' : 'NOT MET',
      ]);
    }
  }
  return table(rows);
}

/**
 * The workflow core's targets (issue "a core a newcomer can hold"), each beside the figure main
 * had before that work (bench/results.md, 2026-12-01 on the same kind of machine) and the one this
 * run measured. Labels come from the figures themselves, so they say what was actually run.
 */
const CORE_TARGETS: { before: string; figure: (f: Figure) => boolean }[] = [
  { before: '28', figure: (f) => f.bench === 'orchestration' && f.unit === 'tasks' },
  { before: '2.25× (667 vs 282 ms)', figure: (f) => f.bench === 'orchestration' && f.name.includes('as the product starts it') },
  { before: '97–129 ms', figure: (f) => f.bench === 'throughput' && f.unit === 'ms' },
  { before: '300 scenes: 66.8 s; 1,000 never ended', figure: (f) => f.bench === 'throughput' && f.unit === 's' },
  { before: 'tasks of 5.0–5.6 s at 300 scenes', figure: (f) => f.bench === 'throughput' && f.unit === 'tasks' },
  { before: '659 MB (ts-node worker)', figure: (f) => f.bench === 'waiting' && f.unit === 'MB' },
];

function coreTargets(outcomes: Outcome[]): string {
  const figures = outcomes.flatMap((o) => o.figures);
  const rows = [['figure', 'before', 'this run', 'ratio', 'target', 'result']];
  for (const target of CORE_TARGETS) {
    const f = figures.find(target.figure);
    if (f === undefined) continue;
    const ratio = f.bench === 'orchestration' && f.ratio !== undefined ? `${f.ratio.toFixed(2)}×` : '';
    rows.push([f.name, target.before, `${fmt(f.value)} ${f.unit}`, ratio, f.target ?? '', f.met ? 'MET' : 'NOT MET']);
  }
  return rows.length > 1 ? table(rows) : '';
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  const line = (row: string[]) => row.map((cell, column) => cell.padEnd(widths[column])).join(' | ');
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.slice(1).map(line)].join('\n');
}

async function main(): Promise<number> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((name) => !BENCHES.some((bench) => bench.name === name));
  if (unknown.length > 0) {
    console.error(`Unknown benchmark ${unknown.join(', ')}; choose from ${BENCHES.map((b) => b.name).join(', ')}`);
    return 2;
  }
  const chosen = wanted.length === 0 ? BENCHES : BENCHES.filter((bench) => wanted.includes(bench.name));
  const outcomes: Outcome[] = [];
  for (const bench of chosen) outcomes.push(await run(bench));
  console.log(`\n=== Summary (load average ${loadAverage()}, ${new Date().toISOString()}) ===\n${summary(outcomes)}`);
  const core = coreTargets(outcomes);
  if (core !== '') console.log(`\n=== The workflow core's targets, before and now ===\n${core}`);
  const failed = outcomes.some((o) => o.figures.length === 0 || o.figures.some((f) => f.target !== undefined && !f.met));
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(2);
  },
);
