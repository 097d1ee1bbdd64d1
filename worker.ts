/**
 * `npm run worker`: runs regenerateSceneWorkflow, sceneAssetWorkflow and every activity on the
 * task queue, with all settings from the environment (CONTRACT.md). On SIGTERM it stops polling
 * and lets in-flight activities finish before it exits. Serves Prometheus metrics on METRICS_PORT.
 */
import { NativeConnection } from '@temporalio/worker';
import { createActivities } from './activities';
import { explainTemporalConnectFailure, loadConfig, TemporalConnectionRefused } from './src/config';
import { PROVIDER_NAMES } from './src/domain/provider';
import { providerKeyProblem } from './src/providers/registry';
import { openDatabase } from './src/db/database';
import { createLogger } from './src/observability/logger';
import { startMetricsServer, type MetricsServer } from './src/observability/metrics-server';
import { installTemporalRuntime } from './src/observability/temporal-runtime';
import { openAssetStore, sweepLeftovers } from './src/storage/open-asset-store';
import { AssetStoreCheckError } from './src/storage/s3-asset-store';
import { createSceneWorker } from './src/worker/create-worker';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, 'worker');
  // Before anything else starts: a wrong object-store setting ends the start with one line naming it.
  const store = await openAssetStore(config, { writes: true });
  const swept = await sweepLeftovers(store, config);
  const { temporalMetricsUrl } = installTemporalRuntime({
    logger,
    metricsPort: config.metrics.temporalPort,
    shutdownSignals: ['SIGINT', 'SIGTERM'],
  });
  // The Runtime drains the worker on these signals; this only says so in the log.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => logger.info({ signal }, 'shutting down: no new tasks, waiting for running activities'));
  }

  // Metrics matter less than the work: a taken port is logged and the worker runs on without them.
  const metrics: MetricsServer | undefined = await startMetricsServer({
    host: config.host,
    port: config.metrics.port,
    temporalMetricsUrl,
    logger,
  }).catch((error: unknown) => {
    logger.error({ err: error, port: config.metrics.port }, 'metrics endpoint could not start; running without it');
    return undefined;
  });

  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const connection = await NativeConnection.connect(config.temporal.connection).catch((error: unknown) => {
    throw explainTemporalConnectFailure(error, config.temporal.connection);
  });
  try {
    const worker = await createSceneWorker({
      connection,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      activities: createActivities({ config, db, store }),
      deployment: config.temporal.deployment,
    });
    // Rounds pass over these providers (SPEC.md "Cost and provider health"); said once, here.
    const keyless = PROVIDER_NAMES.flatMap((provider) => providerKeyProblem(config, provider) ?? []);
    if (keyless.length > 0) logger.warn({ providers: keyless }, 'providers without a key are never chosen');
    logger.info(
      {
        taskQueue: config.temporal.taskQueue,
        temporal: config.temporal.address,
        simulator: config.simUrl ?? null,
        build: config.temporal.deployment ?? null,
        metrics: metrics?.url ?? null,
        leftoverFilesRemoved: swept,
      },
      'worker started',
    );
    await worker.run();
  } finally {
    await connection.close();
    await db.close();
    await metrics?.close();
    logger.info('worker stopped');
  }
}

main().catch((error: unknown) => {
  // Also for a bad environment, before the configured logger exists: one JSON line, then exit.
  // A setting that is wrong says so as the message itself, without a stack to wade through.
  const logger = createLogger('info', 'worker');
  if (isSettingError(error)) logger.fatal(`worker failed: ${error.message}`);
  else logger.fatal({ err: error }, 'worker failed');
  process.exit(1);
});

function isSettingError(error: unknown): error is Error {
  return (
    error instanceof AssetStoreCheckError ||
    error instanceof TemporalConnectionRefused ||
    (error instanceof Error && /^(Invalid environment|Asset store unusable)/.test(error.message))
  );
}
