/**
 * 1. Orchestration cost: the same regeneration rounds through regenerateSceneWorkflow (durable,
 * on Temporal) and through a plain in-process loop over the same activity functions (the
 * original design's shape), simulator at zero latency so orchestration is all that differs.
 * Each round takes three image attempts (scores 40 → 55 → 75: improved, improved, success): the
 * round's steps (open, generate, judge, record ... end) as activities, the same calls in both.
 * Rounds run one at a time; the modes alternate so drift hits both. Prints the workflow tasks per
 * round and the process CPU per round of each mode (the worker runs in this process), beside the
 * ratio. Measured on the dev server as the product starts it, without eager activity dispatch, and
 * on the stock dev server; with BENCH_PRODUCTION_SERVER=1 also on Temporal's production server on
 * PostgreSQL (deploy/temporal/), beside the dev server's in the same run, with where its round's
 * extra time goes. Target: durable ≤ 1.5× plain. Run: npx ts-node bench/orchestration-cost.ts
 * BENCH_ROUNDS (default 8 per batch), BENCH_REPEATS (default 5 batches per mode).
 */
import type { WorkflowHandle } from '@temporalio/client';
import type { RegenerateSceneInput } from '../src/domain/inputs';
import { regenerationWorkflowId } from '../src/domain/workflow-ids';
import { DEV_SERVER_DYNAMIC_CONFIG } from '../src/temporal/dev-server';
import { regenerateSceneWorkflow } from '../workflows';
import { startBenchStack, type BenchStack } from './support/bench-stack';
import { benchServerKinds, type BenchServerKind } from './support/bench-temporal';
import { describeBreakdown, historyBreakdown, type HistoryBreakdown } from './support/history-breakdown';
import { plainRound } from './support/plain-round';
import { loadAverage } from './support/proc-stats';
import { fmt, median, report, runBench, type Figure } from './support/result';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 5);
const TARGET_RATIO = 1.5;
const MOST_TASKS = 12;
const MARKER = 'orchestration-bench';
const DIRECTIONS = [
  'A ceramic teapot on a windowsill',
  'A bicycle leaning on a brick wall',
  'A bowl of ripe pears on linen',
  'A wooden rowing boat on a calm lake',
];

let nextSceneId = 1;
let lastHandle: WorkflowHandle | undefined;

function roundInput(index: number): RegenerateSceneInput {
  return {
    scene: {
      id: nextSceneId++,
      projectId: 1,
      sceneIndex: index,
      sceneType: 'b-roll',
      contentType: 'object',
      narration: `A quiet moment (${MARKER}).`,
      visualDirection: DIRECTIONS[index % DIRECTIONS.length],
      duration: 0,
      currentProvider: 'falai',
      analysisResult: {
        overallScore: 30,
        recommendation: 'regenerate',
        issues: [{ category: 'technical', severity: 'medium', description: 'soft focus' }],
      },
    },
    trigger: 'auto',
    // The static provider map: the learned choice follows the evidence earlier rounds left (once
    // there is enough, it stops a round it judges not worth another attempt), and every round here
    // must take the same three attempts in both modes.
    policy: { learnedProviderChoice: false },
  };
}

/** Scores restart for every round, so each one takes the same three attempts. */
function script(stack: BenchStack): void {
  stack.simulator.setScenarios([{ match: MARKER, scores: [40, 55, 75] }]);
}

/** Process CPU (user + system) in ms since `from`: driver, simulator and worker together. */
function cpuMsSince(from: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(from);
  return (used.user + used.system) / 1000;
}

async function durableBatch(stack: BenchStack): Promise<{ ms: number; cpuMs: number }> {
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  for (let index = 0; index < ROUNDS; index++) {
    const input = roundInput(index);
    script(stack);
    const handle = await stack.client.workflow.start(regenerateSceneWorkflow, {
      taskQueue: stack.taskQueue,
      workflowId: regenerationWorkflowId(input.scene.id),
      args: [input],
    });
    const result = await handle.result();
    lastHandle = handle;
    if (result.outcome !== 'passed' || result.attempts.length !== 3) {
      throw new Error(`durable round ended ${result.outcome} after ${result.attempts.length} attempts, expected passed after 3`);
    }
  }
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, cpuMs: cpuMsSince(cpu) };
}

async function plainBatch(stack: BenchStack): Promise<{ ms: number; cpuMs: number; activityCalls: number }> {
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  let activityCalls = 0;
  for (let index = 0; index < ROUNDS; index++) {
    const input = roundInput(index);
    script(stack);
    activityCalls += await plainRound(stack.activities!, input, regenerationWorkflowId(input.scene.id));
  }
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, cpuMs: cpuMsSince(cpu), activityCalls };
}

/**
 * Server settings compared: the dev server as the product starts it (src/temporal/dev-server.ts
 * lifts the one-shard queue read limit and turns on eager activity dispatch), without eager
 * dispatch, and the stock dev server, to show what each costs.
 */
interface Setup {
  label: string;
  dynamicConfig?: Record<string, number | boolean>;
  server?: BenchServerKind;
}

const SETUPS: Setup[] = [
  { label: 'dev server as the product starts it' },
  {
    label: 'without eager activity dispatch (each activity waits for a poll)',
    dynamicConfig: { 'system.enableActivityEagerExecution': false },
  },
  {
    label: 'stock dev server (each queue read 20 times a second, no eager dispatch)',
    dynamicConfig: Object.fromEntries(
      Object.entries(DEV_SERVER_DYNAMIC_CONFIG).map(([key, value]) => [key, typeof value === 'boolean' ? false : 20]),
    ),
  },
  ...(benchServerKinds().includes('production')
    ? [{ label: 'production server on PostgreSQL (deploy/temporal/, as stack:prod starts it)', server: 'production' as const }]
    : []),
];

interface Measured {
  figures: Figure[];
  roundMs: number;
  /** The last round's history, split (history-breakdown.ts). */
  breakdown: HistoryBreakdown;
}

async function measure(setup: Setup): Promise<Measured> {
  const stack = await startBenchStack({ simLatencyMs: 0, worker: 'in-process', dynamicConfig: setup.dynamicConfig, server: setup.server });
  try {
    console.log(`Orchestration cost, ${setup.label}: ${ROUNDS} rounds per batch, ${REPEATS} batches per mode, load ${loadAverage()}`);
    // Warm-up: renders every prompt once, loads the workflow bundle, fills connection pools.
    await plainBatch(stack);
    await durableBatch(stack);

    const plain: number[] = [];
    const durable: number[] = [];
    const plainCpu: number[] = [];
    const durableCpu: number[] = [];
    const ratios: number[] = [];
    let activitiesPerBatch = 0;
    for (let repeat = 0; repeat < REPEATS; repeat++) {
      const p = await plainBatch(stack);
      const d = await durableBatch(stack);
      activitiesPerBatch = p.activityCalls;
      plain.push(p.ms);
      durable.push(d.ms);
      plainCpu.push(p.cpuMs);
      durableCpu.push(d.cpuMs);
      ratios.push(d.ms / p.ms);
      console.log(`  batch ${repeat + 1}: plain ${p.ms.toFixed(0)} ms, durable ${d.ms.toFixed(0)} ms, ratio ${(d.ms / p.ms).toFixed(2)}`);
    }
    const plainRoundMs = median(plain) / ROUNDS;
    const durableRoundMs = median(durable) / ROUNDS;
    const activitiesPerRound = activitiesPerBatch / ROUNDS;
    const addedPerActivityMs = (durableRoundMs - plainRoundMs) / activitiesPerRound;
    const ratio = median(ratios);
    const breakdown = await historyBreakdown(lastHandle!);
    const figure: Figure = {
      bench: 'orchestration',
      name: `durable round, ${setup.label} (regenerateSceneWorkflow, ${activitiesPerRound} activities), median`,
      value: durableRoundMs,
      unit: 'ms',
      reference: { name: 'plain in-process loop, same activities', value: plainRoundMs, unit: 'ms' },
      ratio,
      target: `≤ ${TARGET_RATIO}× the plain loop`,
      met: ratio <= TARGET_RATIO,
      limitedBy:
        `what Temporal adds to each activity: one workflow task (SDK activation in the worker, ` +
        `${(breakdown.workflowTaskRunMs / breakdown.workflowTasks).toFixed(1)} ms here, about as much for an empty workflow), ` +
        `dispatch and reporting to the server; ${activitiesPerRound} short activities of ${(plainRoundMs / activitiesPerRound).toFixed(1)} ms ` +
        `each leave no room for ${addedPerActivityMs.toFixed(1)} ms more`,
      notes: [
        `workflow tasks per round: ${breakdown.workflowTasks}`,
        `process CPU per round (driver, simulator and worker): durable ${fmt(median(durableCpu) / ROUNDS)} ms, plain ${fmt(median(plainCpu) / ROUNDS)} ms`,
        `added time per activity: ${addedPerActivityMs.toFixed(1)} ms`,
        `last durable round's ${describeBreakdown(breakdown)}`,
        `load average at the end: ${loadAverage()}`,
      ],
    };
    report(figure);
    const tasks: Figure = {
      bench: 'orchestration',
      name: `workflow tasks per three-attempt round, ${setup.label}`,
      value: breakdown.workflowTasks,
      unit: 'tasks',
      target: `≤ ${MOST_TASKS}`,
      met: breakdown.workflowTasks <= MOST_TASKS,
      limitedBy: 'one workflow task per step of the round (open, generate, judge and record per attempt, end)',
    };
    report(tasks);
    return { figures: [figure, tasks], roundMs: durableRoundMs, breakdown };
  } finally {
    await stack.stop();
  }
}

/** Where the production server's round spends the time the dev server's does not, by step. */
function persistenceCost(dev: Measured, production: Measured): string {
  const per = (b: HistoryBreakdown) => ({
    'workflow tasks queued': b.workflowTaskQueueMs,
    'workflow tasks running': b.workflowTaskRunMs,
    'activity dispatch': b.activityQueueMs,
    'activities running': b.activityRunMs,
    'between steps (server writes and hand-offs)':
      b.totalMs - b.activityRunMs - b.activityQueueMs - b.workflowTaskQueueMs - b.workflowTaskRunMs,
  });
  const [d, p] = [per(dev.breakdown), per(production.breakdown)];
  const parts = Object.keys(d).map((key) => {
    const name = key as keyof typeof d;
    return `${name} ${fmt(p[name])} ms vs ${fmt(d[name])} ms (${p[name] >= d[name] ? '+' : ''}${fmt(p[name] - d[name])})`;
  });
  return (
    `Production server on PostgreSQL vs the dev server as the product starts it: ${fmt(production.roundMs)} vs ${fmt(dev.roundMs)} ms a round ` +
    `(median); the last round's history, production vs dev: ${parts.join('; ')}`
  );
}

async function main(): Promise<Figure[]> {
  const measured = new Map<Setup, Measured>();
  for (const setup of SETUPS) measured.set(setup, await measure(setup));
  const production = SETUPS.find((setup) => setup.server === 'production');
  if (production) console.log(persistenceCost(measured.get(SETUPS[0])!, measured.get(production)!));
  return [...measured.values()].flatMap((m) => m.figures);
}

runBench(main);
