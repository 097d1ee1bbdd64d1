/**
 * 10. Scale-out: the same 1,000 image scenes at zero simulated latency (every one passes on its
 * first asset), once on one worker process and once on two, each on a fresh stack in the same
 * run. The figure is two workers' time against one worker's (the reference): below 1 when a
 * second worker adds capacity. Run: npx ts-node bench/scale-out.ts; BENCH_SCENES (default 1000).
 */
import type { SceneAssetResult } from '../src/domain/regeneration';
import { SCENE_ASSET_WORKFLOW, sceneAssetWorkflowId } from '../src/domain/workflow-ids';
import { startBenchStack } from './support/bench-stack';
import { CpuMeter, loadAverage } from './support/proc-stats';
import { fmt, report, runBench, type Figure } from './support/result';
import { IMAGE_DIRECTIONS, LOAD_RULES, imageScene, mapLimit } from './support/scenes';

const SCENES = Number(process.env.BENCH_SCENES ?? 1000);
const START_CONCURRENCY = 50;

interface Run {
  seconds: number;
  notes: string[];
}

let nextId = 1;

async function runOn(workers: 1 | 2): Promise<Run> {
  const stack = await startBenchStack({ simLatencyMs: 0, worker: 'child', extraWorkers: workers - 1 });
  try {
    stack.simulator.setScenarios(LOAD_RULES);
    const run = async (count: number) => {
      const inputs = Array.from({ length: count }, (_, index) => imageScene(nextId++, 5, index, false));
      const handles = await mapLimit(inputs, START_CONCURRENCY, (input) =>
        stack.client.workflow.start(SCENE_ASSET_WORKFLOW, {
          taskQueue: stack.taskQueue,
          workflowId: sceneAssetWorkflowId(input.scene.id),
          args: [input],
        }),
      );
      return (await Promise.all(handles.map((handle) => handle.result()))) as SceneAssetResult[];
    };
    // Warm-up: the simulator renders each prompt once, and every worker loads its workflow code.
    await run(IMAGE_DIRECTIONS.length * 4);
    const pids: Record<string, number> = { 'dev server': stack.temporalServerPid, 'worker 1': stack.workerPid };
    stack.extraWorkerPids.forEach((pid, index) => (pids[`worker ${index + 2}`] = pid));
    const cpu = new CpuMeter(pids);
    const started = process.hrtime.bigint();
    const results = await run(SCENES);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const usage = cpu.read();
    const passed = results.filter((result) => !result.needsUserReview).length;
    if (passed !== SCENES) throw new Error(`${passed} of ${SCENES} scenes passed`);
    return {
      seconds,
      notes: [
        `${workers} worker${workers === 1 ? '' : 's'}: ${fmt(seconds)} s, machine CPU ${fmt(usage.machineBusyPercent)} % busy; ` +
          Object.entries(usage.perProcess)
            .map(([name, p]) => `${name} ${fmt(p.percentOfCore)} % of a core`)
            .join(', '),
      ],
    };
  } finally {
    await stack.stop();
  }
}

async function main(): Promise<Figure[]> {
  console.log(`Scale-out: ${SCENES} image scenes at zero latency, one worker process against two; load ${loadAverage()}`);
  const one = await runOn(1);
  const two = await runOn(2);
  const figure: Figure = {
    bench: 'scale-out',
    name: `${SCENES} image scenes on two worker processes`,
    value: two.seconds,
    unit: 's',
    reference: { name: `the same on one worker process`, value: one.seconds, unit: 's' },
    ratio: two.seconds / one.seconds,
    notes: [
      ...one.notes,
      ...two.notes,
      'both workers share the 2 cores with the dev server, PostgreSQL and the simulator: a second process adds ' +
        'parallel workflow-task and activity execution only while a core is idle',
    ],
  };
  report(figure);
  return [figure];
}

runBench(main);
