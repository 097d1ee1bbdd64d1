/**
 * 3. Waiting is free: 5,000 regeneration rounds awaiting review on one worker (its own
 * process). Measures the worker's CPU and resident memory while they wait, and the dev
 * server's for context. The reference is the worker's CPU while it drove the same rounds to
 * the review queue. Then a reviewer approves a few rounds the worker no longer holds in its
 * cache, to show that a wait costs nothing and still resumes.
 *
 * To reach 5,000 escalations quickly each round has one attempt (policy maxAttempts 1) whose
 * provider refuses the prompt: five activities, no media. What is measured is the wait.
 * Targets: worker CPU ≈ 0 (≤ 2 % of a core) and RSS ≤ 400 MB while waiting.
 * Run: npx ts-node bench/waiting-is-free.ts   BENCH_ROUNDS (default 5000)
 */
import { WORKER_TUNING, type WorkerTuning } from '../src/worker/create-worker';
import { userDecisionSignal } from '../workflows/messages';
import { REFUSED_MARKER } from './support/scenes';
import { fillWaitingRounds } from './support/waiting-rounds';
import { startBenchStack } from './support/bench-stack';
import { CpuMeter, loadAverage, memoryMb } from './support/proc-stats';
import { fmt, median, report, runBench, type Figure } from './support/result';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5000);
/** Rounds in flight at once while filling: enough to keep the worker busy, few enough to stay in its cache. */
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 200);
const MEASURE_SECONDS = Number(process.env.BENCH_MEASURE_SECONDS ?? 30);
const DECISIONS = 20;
const TARGET_CPU_PERCENT = 2;
const TARGET_RSS_MB = 400;
const tuning = JSON.parse(process.env.BENCH_WORKER_TUNING ?? '{}') as Partial<WorkerTuning>;

function workerKind(): string {
  return process.env.BENCH_WORKER_COMPILED === '0' ? 'under ts-node' : 'compiled, with the flags of npm run worker:prod';
}

/** Where the worker's resident memory is, after a full collection of its main thread. */
function describeHeap(heap: NodeJS.MemoryUsage, rssMb: number): string {
  const mb = (bytes: number) => bytes / 2 ** 20;
  const mainThread = mb(heap.heapTotal) + mb(heap.external);
  return (
    `after a full collection: RSS ${fmt(rssMb)} MB; main thread heap ${fmt(mb(heap.heapUsed))} MB used of ` +
    `${fmt(mb(heap.heapTotal))} MB, external ${fmt(mb(heap.external))} MB (array buffers ${fmt(mb(heap.arrayBuffers))} MB); ` +
    `the rest, ${fmt(rssMb - mainThread)} MB, is the workflow thread's heap, the Temporal core and code`
  );
}

async function main(): Promise<Figure[]> {
  const options = { ...WORKER_TUNING, ...tuning };
  console.log(`Waiting is free: ${ROUNDS} rounds awaiting review; worker options ${JSON.stringify(options)}; load ${loadAverage()}`);
  // Every round's generation is refused on purpose: the worker's warning per refusal is noise here.
  // --expose-gc: a full collection before the breakdown tells memory held from garbage not yet collected.
  const stack = await startBenchStack({
    simLatencyMs: 0,
    worker: 'child',
    tuning,
    workerLogLevel: 'ERROR',
    workerNodeOptions: ['--expose-gc'],
  });
  try {
    stack.simulator.setScenarios([{ match: REFUSED_MARKER, faults: { flux: Array(ROUNDS + DECISIONS).fill('refuse') } }]);
    const pids = { worker: stack.workerPid, 'dev server': stack.temporalServerPid };
    const idleRss = memoryMb(stack.workerPid).rss;

    const fillCpu = new CpuMeter(pids);
    const handles = await fillWaitingRounds(stack, ROUNDS, IN_FLIGHT);
    const filling = fillCpu.read();
    console.log(`  ${ROUNDS} rounds reached the review queue in ${fmt(filling.wallSeconds)} s`);

    // Let the last workflow tasks and the worker's own housekeeping settle before measuring.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const idleCpu = new CpuMeter(pids);
    const rssSamples: number[] = [];
    for (let second = 0; second < MEASURE_SECONDS; second++) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      rssSamples.push(memoryMb(stack.workerPid).rss);
    }
    const idle = idleCpu.read();
    const workerIdle = idle.perProcess.worker;
    const rss = Math.max(...rssSamples);
    const serverMemory = memoryMb(stack.temporalServerPid);
    const heap = await stack.workerMemory({ gc: true });
    const rssAfterGc = memoryMb(stack.workerPid).rss;

    // Decisions on the first rounds, long since evicted from the worker's cache: replayed, then done.
    const decisionMs: number[] = [];
    for (const handle of handles.slice(0, DECISIONS)) {
      const started = process.hrtime.bigint();
      await handle.signal(userDecisionSignal, { action: 'approve', reviewer: 'bench' });
      const result = await handle.result();
      if (result.outcome !== 'approved') throw new Error(`round ${handle.workflowId} ended ${result.outcome}`);
      decisionMs.push(Number(process.hrtime.bigint() - started) / 1e6);
    }

    const cpuMet = workerIdle.percentOfCore <= TARGET_CPU_PERCENT;
    const figures: Figure[] = [
      {
        bench: 'waiting',
        name: `worker CPU while ${ROUNDS} rounds await review (${MEASURE_SECONDS} s)`,
        value: workerIdle.percentOfCore,
        unit: '% of a core',
        reference: {
          name: `worker CPU while it drove them there (${fmt(filling.wallSeconds)} s)`,
          value: filling.perProcess.worker.percentOfCore,
          unit: '% of a core',
        },
        ratio: workerIdle.percentOfCore / filling.perProcess.worker.percentOfCore,
        target: `≈ 0 (≤ ${TARGET_CPU_PERCENT} % of a core)`,
        met: cpuMet,
        limitedBy: 'the worker is not idle while rounds wait',
        notes: [
          `dev server while waiting: CPU ${fmt(idle.perProcess['dev server'].percentOfCore)} % of a core, RSS ${fmt(serverMemory.rss)} MB`,
          `a decision on an evicted round: median ${fmt(median(decisionMs))} ms from signal to result (${DECISIONS} rounds)`,
        ],
      },
      {
        bench: 'waiting',
        name: `worker resident memory while ${ROUNDS} rounds await review (max of ${MEASURE_SECONDS} samples)`,
        value: rss,
        unit: 'MB',
        reference: { name: 'its peak while filling, start-up included (VmHWM)', value: memoryMb(stack.workerPid).peak, unit: 'MB' },
        ratio: rss / memoryMb(stack.workerPid).peak,
        target: `≤ ${TARGET_RSS_MB} MB`,
        met: rss <= TARGET_RSS_MB,
        limitedBy:
          `the worker's own size: ${fmt(idleRss)} MB before any workflow ran (${workerKind()}: libraries, Temporal core, ` +
          `the workflow bundle), and the workflow thread's heap as it grew while the worker drove ` +
          `${IN_FLIGHT} rounds at a time to the queue: V8 keeps it once grown, while the ${options.maxCachedWorkflows} ` +
          `cached rounds themselves hold a fraction of a MB each (bench 7)`,
        notes: [
          `worker RSS before any workflow ran: ${fmt(idleRss)} MB`,
          ...(heap ? [describeHeap(heap, rssAfterGc)] : []),
          `worker options: ${JSON.stringify(options)}`,
          `load average at the end: ${loadAverage()}`,
        ],
      },
    ];
    figures.forEach(report);
    return figures;
  } finally {
    await stack.stop();
  }
}

runBench(main);
