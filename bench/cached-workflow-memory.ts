/**
 * 7. Memory per cached workflow: the same rounds waiting for a reviewer on two workers that
 * differ only in how many workflows they keep cached (maxCachedWorkflows LARGE and SMALL), each
 * filled until every cached place holds a waiting round. The difference in resident memory,
 * after a full collection, divided by the difference in cached workflows, is what one cached
 * round costs. Also prints the workflow bundle's size (what each cached workflow evaluates).
 * Target: ≤ 1 MB per cached workflow. Run: npx ts-node bench/cached-workflow-memory.ts
 * BENCH_CACHE_LARGE (default 1000), BENCH_CACHE_SMALL (default 10).
 */
import { bundleWorkflowCode } from '@temporalio/worker';
import { REFUSED_MARKER } from './support/scenes';
import { fillWaitingRounds } from './support/waiting-rounds';
import { startBenchStack } from './support/bench-stack';
import { loadAverage, memoryMb } from './support/proc-stats';
import { fmt, report, runBench, type Figure } from './support/result';

const LARGE = Number(process.env.BENCH_CACHE_LARGE ?? 1000);
const IN_FLIGHT = 20;
const SMALL = Number(process.env.BENCH_CACHE_SMALL ?? 10);
const TARGET_MB = 1;

/** RSS after a full collection of a worker holding `cached` waiting rounds in its cache. */
async function rssWithCached(cached: number): Promise<{ rss: number; idle: number }> {
  const stack = await startBenchStack({
    simLatencyMs: 0,
    worker: 'child',
    tuning: { maxCachedWorkflows: cached },
    workerLogLevel: 'ERROR',
    workerNodeOptions: ['--expose-gc'],
  });
  try {
    stack.simulator.setScenarios([{ match: REFUSED_MARKER, faults: { flux: Array(LARGE).fill('refuse') } }]);
    await stack.workerMemory({ gc: true });
    const idle = memoryMb(stack.workerPid).rss;
    // A few rounds at a time, so the worker's heap peaks alike in both runs and the difference
    // is what the cache holds, not how far the heap grew while filling.
    await fillWaitingRounds(stack, LARGE, IN_FLIGHT);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await stack.workerMemory({ gc: true });
    const rss = memoryMb(stack.workerPid).rss;
    console.log(`  maxCachedWorkflows ${cached}: RSS ${fmt(rss)} MB with ${LARGE} rounds waiting (idle ${fmt(idle)} MB)`);
    return { rss, idle };
  } finally {
    await stack.stop();
  }
}

async function main(): Promise<Figure[]> {
  console.log(`Memory per cached workflow: ${LARGE} waiting rounds, cache ${LARGE} against ${SMALL}; load ${loadAverage()}`);
  const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} };
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('../workflows'), logger: quiet });
  const bundleKb = Buffer.byteLength(code) / 1024;
  const small = await rssWithCached(SMALL);
  const large = await rssWithCached(LARGE);
  const perWorkflow = (large.rss - small.rss) / (LARGE - SMALL);
  const figure: Figure = {
    bench: 'cached-memory',
    name: `worker memory per cached workflow (${LARGE} against ${SMALL} cached, after a full collection)`,
    value: perWorkflow,
    unit: 'MB',
    reference: { name: `the worker's RSS with ${SMALL} cached`, value: small.rss, unit: 'MB' },
    ratio: perWorkflow / small.rss,
    target: `≤ ${TARGET_MB} MB`,
    met: perWorkflow <= TARGET_MB,
    limitedBy: 'the workflow thread keeps each cached round\'s own evaluation of the bundle\'s modules and its state',
    notes: [`workflow bundle: ${fmt(bundleKb)} KB`, `load average at the end: ${loadAverage()}`],
  };
  report(figure);
  return [figure];
}

runBench(main);
