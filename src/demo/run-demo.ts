import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { startStoryboard } from '../temporal/scene-pipeline';
import { loadConfig } from '../config';
import { getScene, pendingReviewEntryOf } from '../db/queries';
import type { SceneAssetResult } from '../domain/regeneration';
import { installTemporalRuntime } from '../observability/temporal-runtime';
import { PROJECT_ROOT } from '../project-root';
import { startStack } from '../stack/start-stack';
import { temporalCliPath } from '../temporal/temporal-cli';
import { watchProgress } from './progress';
import { readDemoStoryboard } from './storyboard';
import { formatTable, summaryRow } from './summary-table';

/**
 * `npm run demo`: the whole product on embedded defaults, a sample storyboard through the
 * pipeline with live progress, a final table, and the review page left running.
 * `--once` exits after the table, non-zero if any scene's pipeline step failed.
 */
export async function runDemo(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      once: { type: 'boolean', default: false },
      storyboard: { type: 'string', default: path.join(PROJECT_ROOT, 'examples', 'storyboard.json') },
    },
  });
  const config = loadConfig();
  const { dataDir } = config;
  mkdirSync(path.join(dataDir, 'logs'), { recursive: true });
  // The console is for the story; everything the worker and server log goes to a file.
  const logFile = path.join(dataDir, 'logs', 'demo.log');
  const logger = pino({ level: config.logLevel }, pino.destination({ dest: logFile, sync: false }));
  const runtime = installTemporalRuntime({
    logger,
    metricsPort: config.metrics.temporalPort,
    // The demo stops everything itself, in order, on Ctrl-C.
    shutdownSignals: [],
  });

  console.log('Preparing the Temporal CLI (built once from the Go module proxy if missing)...');
  temporalCliPath();
  const stack = await startStack({
    dataDir,
    persistTemporal: true,
    temporalPort: config.devServer.port,
    temporalUiPort: config.devServer.uiPort,
    temporalAddress: config.temporal.addressSet ? config.temporal.address : undefined,
    webPort: config.port,
    simulatorOptions: { latencyMs: config.simLatencyMs },
    temporalMetricsUrl: runtime.temporalMetricsUrl,
    logger,
  });
  const banner = stack.simulator
    ? `PROVIDERS ARE SIMULATED: no provider or Claude keys are set, so Kling, Runway, Luma, Hailuo, Flux,\n` +
      `fal.ai and Claude are answered by the built-in simulator at ${stack.simulator.url}.`
    : 'Real providers: API keys are set, every generation and analysis is paid for.';
  console.log(`\n${'='.repeat(100)}\n${banner}\n${'='.repeat(100)}\n`);

  let exitCode = 0;
  try {
    const storyboard = readDemoStoryboard(values.storyboard!, Math.floor(Date.now() / 1000) % 1_000_000);
    console.log(`Storyboard "${storyboard.project.name}": ${storyboard.scenes.length} scenes (project ${storyboard.project.id})\n`);
    const started = await startStoryboard(stack.client, stack.config.temporal.taskQueue, storyboard);
    const sceneIds = started.map((s) => s.sceneId);
    const stopProgress = watchProgress(stack.db, sceneIds, (line) => console.log(line));

    const results = await Promise.all(
      started.map((s) =>
        stack.client.workflow
          .getHandle(s.workflowId)
          .result()
          .then((r) => r as SceneAssetResult)
          .catch((error: unknown) => {
            console.error(`scene ${s.sceneId}: pipeline step failed: ${String(error)}`);
            exitCode = 1;
            return undefined;
          }),
      ),
    );
    await stopProgress();

    const rows = [];
    for (const [index, sceneId] of sceneIds.entries()) {
      const scene = await getScene(stack.db, sceneId);
      const pending = scene?.status === 'awaiting_review' ? await pendingReviewEntryOf(stack.db, sceneId) : undefined;
      if (scene) rows.push(summaryRow(scene, results[index], pending));
    }
    console.log(`\n${formatTable(rows)}\n`);
    const waiting = results.filter((r) => r?.needsUserReview).length;
    console.log(`Review page:     ${stack.webUrl}/   (API token: ${stack.token})`);
    if (stack.temporalUiUrl) console.log(`Temporal Web UI: ${stack.temporalUiUrl}/namespaces/default/workflows`);
    console.log(`Metrics:         ${stack.metricsUrl}`);
    console.log(`${waiting} scene(s) are waiting for a reviewer. Logs: ${logFile}`);

    if (!values.once) {
      console.log('\nThe product keeps running; press Ctrl-C to stop.');
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
    }
  } finally {
    await stack.stop();
    logger.flush();
  }
  return exitCode;
}
