/**
 * 6b. Prompt-cache hit rate over a storyboard run: the sample storyboard (examples/storyboard.json)
 * through the product with the simulator, which bills caching the way Anthropic does. From the
 * worker's analysis counters (src/analysis/analysis-metrics.ts):
 *   hit rate = cache_read / (cache_read + cache_creation + uncached input)
 * The reference is the best this request layout allows: every analysis but the first reads the
 * shared prefix (tools + system prompt); the rest of each request (images, scene text) is new.
 * Target (ours; the issue sets none): ≥ 0.95 of that best.
 * Run: npx ts-node bench/prompt-cache.ts
 */
import path from 'node:path';
import { startStoryboard } from '../src/temporal/scene-pipeline';
import { readDemoStoryboard } from '../src/demo/storyboard';
import { startBenchStack } from './support/bench-stack';
import { fmt, report, runBench, type Figure } from './support/result';

const TARGET_SHARE_OF_BEST = 0.95;

type MetricsJson = Awaited<ReturnType<Awaited<ReturnType<typeof startBenchStack>>['workerMetrics']>>;

function counter(metrics: MetricsJson, name: string, labels: Record<string, string> = {}): number {
  const metric = metrics.find((m) => m.name === name);
  if (!metric) return 0;
  return (metric.values as { value: number; labels: Record<string, string | number> }[])
    .filter((v) => Object.entries(labels).every(([key, value]) => v.labels[key] === value))
    .reduce((sum, v) => sum + v.value, 0);
}

async function main(): Promise<Figure[]> {
  const stack = await startBenchStack({ simLatencyMs: 0, worker: 'in-process' });
  try {
    const file = path.resolve(__dirname, '../examples/storyboard.json');
    const storyboard = readDemoStoryboard(file, 1);
    console.log(`Prompt cache: "${storyboard.project.name}", ${storyboard.scenes.length} scenes, simulator's own judge`);
    const started = await startStoryboard(stack.client, stack.taskQueue, storyboard);
    await Promise.all(started.map((scene) => stack.client.workflow.getHandle(scene.workflowId).result()));

    const metrics = await stack.workerMetrics();
    const tokens = (kind: string) => counter(metrics, 'scene_analysis_tokens_total', { kind });
    const read = tokens('cache_read');
    const written = tokens('cache_write');
    const uncached = tokens('input');
    const judged = counter(metrics, 'scene_analysis_total', { outcome: 'judged' });
    const images = counter(metrics, 'scene_analysis_images_total');
    const totalInput = read + written + uncached;
    const hitRate = read / totalInput;
    // Every request carries the same prefix, so its size is what was read or written, per request.
    const prefix = (read + written) / judged;
    const best = (prefix * (judged - 1)) / totalInput;
    const share = hitRate / best;
    const figures: Figure[] = [
      {
        bench: 'cache',
        name: `prompt-cache hit rate over the sample storyboard (${judged} analyses)`,
        value: hitRate * 100,
        unit: '% of input tokens',
        reference: { name: 'best for this layout (all but the first analysis read the shared prefix)', value: best * 100, unit: '%' },
        ratio: share,
        target: `≥ ${TARGET_SHARE_OF_BEST} of the best (ours; the issue sets none)`,
        met: share >= TARGET_SHARE_OF_BEST,
        limitedBy: 'cache writes beyond the first: the shared prefix changed or expired between analyses',
        notes: [
          `input tokens: ${fmt(read)} cache read, ${fmt(written)} cache written, ${fmt(uncached)} uncached; ` +
            `shared prefix ${fmt(prefix)} tokens per analysis`,
          `per analysis: ${fmt(totalInput / judged)} input tokens, ${fmt(images / judged)} images, ${fmt(tokens('output') / judged)} output tokens`,
          `analysis cost: $${counter(metrics, 'scene_analysis_cost_usd_total').toFixed(4)} for ${judged} analyses`,
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
