/**
 * `npm run worker`: runs regenerateSceneWorkflow, sceneAssetWorkflow and every activity on the
 * task queue, with all settings from the environment (CONTRACT.md). On SIGTERM it stops polling
 * and lets in-flight activities finish before it exits.
 */
import { NativeConnection, Runtime } from '@temporalio/worker';
import { createActivities } from './activities';
import { loadConfig } from './src/config';
import { openDatabase } from './src/db/database';
import { createLogger, temporalLoggerFor } from './src/observability/logger';
import { LocalAssetStore } from './src/storage/local-asset-store';
import { createSceneWorker } from './src/worker/create-worker';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, 'worker');
  Runtime.install({ logger: temporalLoggerFor(logger), shutdownSignals: ['SIGINT', 'SIGTERM'] });

  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const store = new LocalAssetStore({ rootDir: config.assetsDir, publicUrl: config.publicUrl });
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  try {
    const worker = await createSceneWorker({
      connection,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      activities: createActivities({ config, db, store }),
    });
    logger.info(
      { taskQueue: config.temporal.taskQueue, temporal: config.temporal.address, simulator: config.simUrl ?? null },
      'worker started',
    );
    await worker.run();
  } finally {
    await connection.close();
    await db.close();
    logger.info('worker stopped');
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
