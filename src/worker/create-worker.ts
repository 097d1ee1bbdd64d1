import { NativeConnection, Worker } from '@temporalio/worker';
import type { SceneActivities } from '../domain/activity-types';
import { bundleWorkflowsApart } from './bundle-apart';

/** The worker options bench/throughput.ts and bench/waiting-is-free.ts were used to choose. */
export interface WorkerTuning {
  maxCachedWorkflows: number;
  maxConcurrentWorkflowTaskExecutions: number;
  maxConcurrentWorkflowTaskPolls: number;
  maxConcurrentActivityTaskExecutions: number;
  maxConcurrentActivityTaskPolls: number;
}

// Provisional: the SDK's defaults, until the benchmarks have spoken.
export const WORKER_TUNING: Readonly<WorkerTuning> = {
  maxCachedWorkflows: 600,
  maxConcurrentWorkflowTaskExecutions: 40,
  maxConcurrentWorkflowTaskPolls: 10,
  maxConcurrentActivityTaskExecutions: 100,
  maxConcurrentActivityTaskPolls: 10,
};

export interface SceneWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: SceneActivities;
  /** Overrides of WORKER_TUNING, for benchmarks that compare settings. */
  tuning?: Partial<WorkerTuning>;
}

/** The worker that runs both workflows and every activity. */
export async function createSceneWorker(options: SceneWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    workflowBundle: await bundleWorkflowsApart(require.resolve('../../workflows')),
    activities: options.activities,
    ...WORKER_TUNING,
    ...options.tuning,
    // Let in-flight activities finish on SIGTERM before the worker stops polling for good.
    shutdownGraceTime: '30 seconds',
  });
}
