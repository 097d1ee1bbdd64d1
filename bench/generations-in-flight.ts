/**
 * 9. Generations in flight: 1,000 image scenes whose generations each take 60 s at the simulator,
 * a provider limit high enough never to bind, one worker (its own process) with the default
 * slots. A generation holds no worker slot while it runs (checkGeneration's looks are retries
 * Temporal's server schedules), so every generation runs at once and all are done about 60 s
 * after the last was submitted. The reference, measured in the same run: the simulated latency
 * plus the time it took to submit them all.
 * Target: ≤ 1.3 × 60 s plus the submitting time. Run: npx ts-node bench/generations-in-flight.ts
 * BENCH_SCENES (default 1000), BENCH_LATENCY_MS (default 60000).
 */
import type { SceneAssetResult } from '../src/domain/regeneration';
import { SCENE_ASSET_WORKFLOW, sceneAssetWorkflowId } from '../src/domain/workflow-ids';
import { PROVIDER_NAMES } from '../src/domain/provider';
import { startBenchStack } from './support/bench-stack';
import { MemorySampler } from './support/memory-sampler';
import { CpuMeter, loadAverage } from './support/proc-stats';
import { fmt, report, runBench, type Figure } from './support/result';
import { LOAD_RULES, imageScene, mapLimit } from './support/scenes';

const SCENES = Number(process.env.BENCH_SCENES ?? 1000);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 60_000);
const START_CONCURRENCY = 50;
const TARGET_FACTOR = 1.3;

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function main(): Promise<Figure[]> {
  // High enough never to bind: the point is what the worker allows, not what the plan does.
  process.env.PROVIDER_CONCURRENCY = PROVIDER_NAMES.map((name) => `${name}=${SCENES * 2}`).join(',');
  console.log(`Generations in flight: ${SCENES} image scenes, ${LATENCY_MS} ms per generation; load ${loadAverage()}`);
  const stack = await startBenchStack({ simLatencyMs: LATENCY_MS, worker: 'child' });
  try {
    stack.simulator.setScenarios(LOAD_RULES);
    const generated = () => {
      const calls = stack.simulator.calls().providers;
      return { submissions: calls.falai.submissions + calls.flux.submissions, downloads: calls.falai.downloads + calls.flux.downloads };
    };
    const before = generated();
    const pids = { worker: stack.workerPid, 'dev server': stack.temporalServerPid };
    const cpu = new CpuMeter(pids);
    const memory = new MemorySampler(pids);
    const inputs = Array.from({ length: SCENES }, (_, index) => imageScene(10_000 + index, 9, index, false));
    const started = Date.now();
    const handles = await mapLimit(inputs, START_CONCURRENCY, (input) =>
      stack.client.workflow.start(SCENE_ASSET_WORKFLOW, {
        taskQueue: stack.taskQueue,
        workflowId: sceneAssetWorkflowId(input.scene.id),
        args: [input],
      }),
    );
    await until(() => generated().submissions - before.submissions >= SCENES, 10 * 60_000, 'every submission');
    const submitSeconds = (Date.now() - started) / 1000;
    const peak = () => stack.simulator.calls().providers.falai.peakInFlight + stack.simulator.calls().providers.flux.peakInFlight;
    // A generation is done when the worker fetched its output to store it.
    await until(() => generated().downloads - before.downloads >= SCENES, 30 * 60_000, 'every output');
    const generatedSeconds = (Date.now() - started) / 1000;
    const usage = cpu.read();
    const mem = memory.stop();
    const results = (await Promise.all(handles.map((handle) => handle.result()))) as SceneAssetResult[];
    const done = results.filter((result) => !result.needsUserReview).length;

    const referenceSeconds = LATENCY_MS / 1000 + submitSeconds;
    const figure: Figure = {
      bench: 'in-flight',
      name: `${SCENES} image generations of ${fmt(LATENCY_MS / 1000)} s each, all generated`,
      value: generatedSeconds,
      unit: 's',
      reference: { name: `one generation's latency plus the time to submit all ${SCENES}`, value: referenceSeconds, unit: 's' },
      ratio: generatedSeconds / referenceSeconds,
      target: `≤ ${TARGET_FACTOR} × ${fmt(LATENCY_MS / 1000)} s + ${fmt(submitSeconds)} s submitting = ${fmt(TARGET_FACTOR * (LATENCY_MS / 1000) + submitSeconds)} s`,
      met: generatedSeconds <= TARGET_FACTOR * (LATENCY_MS / 1000) + submitSeconds,
      limitedBy: 'the time to start and submit the scenes on 2 cores',
      notes: [
        `peak generations in flight at the simulator: ${peak()} (a worker holding a slot per generation would allow 100)`,
        `all submitted after ${fmt(submitSeconds)} s; ${done} of ${SCENES} scenes done after judging`,
        ...Object.entries(usage.perProcess).map(
          ([name, p]) =>
            `${name}: CPU ${fmt(p.cpuSeconds)} s (${fmt(p.percentOfCore)} % of a core), RSS peak ${fmt(mem[name].peakMb)} MB, now ${fmt(mem[name].nowMb)} MB`,
        ),
        `machine CPU busy: ${fmt(usage.machineBusyPercent)} % of 2 cores; load average at the end: ${loadAverage()}`,
      ],
    };
    report(figure);
    return [figure];
  } finally {
    await stack.stop();
  }
}

runBench(main);
