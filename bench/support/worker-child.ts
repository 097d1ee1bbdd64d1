/**
 * The product's worker (same activities, same createSceneWorker) in a process of its own, so
 * its CPU and memory are measured apart from the benchmark driver and the simulator. Settings
 * come from the environment like worker.ts; BENCH_WORKER_TUNING (JSON) overrides WORKER_TUNING.
 * Talks to the parent over IPC: 'ready' once polling, 'metrics' on request, stops on 'stop'.
 */
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { register } from 'prom-client';
import { createActivities } from '../../activities';
import { loadConfig } from '../../src/config';
import { openDatabase } from '../../src/db/database';
import { createAssetStore } from '../../src/storage/open-asset-store';
import { createSceneWorker, type WorkerTuning } from '../../src/worker/create-worker';

export type ChildMessage =
  | { type: 'ready' }
  | { type: 'metrics'; metrics: Awaited<ReturnType<typeof register.getMetricsAsJSON>> }
  | { type: 'memory'; usage: NodeJS.MemoryUsage }
  | { type: 'warnings'; slowWorkflowTasks: number };
export type ParentMessage = { type: 'metrics' } | { type: 'memory'; gc?: boolean } | { type: 'warnings' } | { type: 'stop' };

/** The SDK's warning for a workflow task that ran past 5 s of its 10 s timeout. */
const SLOW_TASK_WARNING = 'TMPRL1104';
let slowWorkflowTasks = 0;

async function main(): Promise<void> {
  // Activity info lines (one per activity) would cost CPU and flood the bench's output.
  const level = process.env.BENCH_WORKER_LOG_LEVEL === 'ERROR' ? 'ERROR' : 'WARN';
  const print = new DefaultLogger(level);
  // Counted whatever the level, so a benchmark can say how many tasks came near their timeout.
  const logger = new DefaultLogger('WARN', (entry) => {
    if (entry.message.includes(SLOW_TASK_WARNING)) slowWorkflowTasks += 1;
    if (level === 'WARN' || entry.level === 'ERROR') print.log(entry.level, entry.message, entry.meta);
  });
  // Forwarded, or the native core prints its warnings (TMPRL1104 among them) past the counter.
  Runtime.install({ logger, telemetryOptions: { logging: { forward: {}, filter: { core: 'WARN', other: 'ERROR' } } } });
  const config = loadConfig();
  const tuning = JSON.parse(process.env.BENCH_WORKER_TUNING ?? '{}') as Partial<WorkerTuning>;
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const store = createAssetStore(config);
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  const worker = await createSceneWorker({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    activities: createActivities({ config, db, store }),
    tuning,
  });
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'stop' && worker.getState() === 'RUNNING') worker.shutdown();
    if (message.type === 'memory') {
      // Only with --expose-gc: tells garbage not yet collected from memory really held.
      if (message.gc) (globalThis as { gc?: () => void }).gc?.();
      send({ type: 'memory', usage: process.memoryUsage() });
    }
    if (message.type === 'warnings') send({ type: 'warnings', slowWorkflowTasks });
    if (message.type === 'metrics') {
      void register.getMetricsAsJSON().then((metrics) => send({ type: 'metrics', metrics }));
    }
  });
  // The parent going away must not leave a worker polling a dead server.
  process.on('disconnect', () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
  });
  const running = worker.run();
  send({ type: 'ready' });
  await running;
  await connection.close();
  await db.close();
}

function send(message: ChildMessage): void {
  process.send?.(message);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
