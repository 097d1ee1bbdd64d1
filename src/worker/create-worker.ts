import { NativeConnection, Worker } from '@temporalio/worker';
import type { SceneActivities } from '../domain/activity-types';
import { loadWorkflowBundle } from './workflow-bundle';

/** The worker options bench/throughput.ts and bench/waiting-is-free.ts were used to choose. */
export interface WorkerTuning {
  maxCachedWorkflows: number;
  maxConcurrentWorkflowTaskExecutions: number;
  maxConcurrentWorkflowTaskPolls: number;
  maxConcurrentActivityTaskExecutions: number;
  maxConcurrentActivityTaskPolls: number;
}

/**
 * Measured on a 2-core machine (bench/waiting-is-free.ts, bench/throughput.ts; README "Performance").
 * - maxCachedWorkflows 100: each cached workflow costs about 4 MB here (945 MB of worker RSS with 100
 *   cached, 573 MB with 10; every workflow evaluates its own copy of zod and the domain schemas
 *   under reuseV8Context), and the SDK's default grows with the heap limit (about 2,300 on a
 *   24 GB machine: gigabytes held by rounds that only wait for a reviewer). An evicted round
 *   costs nothing while it waits and replays its short history when a decision arrives (about
 *   250 ms from signal to result, measured).
 * - 100 activity slots (the SDK default): awaitGeneration holds a slot for the whole generation,
 *   minutes with real providers, so the slots bound how many generations run at once; fewer would
 *   throttle a storyboard, more buys nothing on a machine the analyses already fill.
 * - 40 workflow-task slots and 10 pollers each (the SDK defaults): workflow tasks take milliseconds;
 *   the CPU, not the slots, limits throughput here.
 */
export const WORKER_TUNING: Readonly<WorkerTuning> = {
  maxCachedWorkflows: 100,
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
    workflowBundle: await loadWorkflowBundle(),
    activities: options.activities,
    ...WORKER_TUNING,
    ...options.tuning,
    // Let in-flight activities finish on SIGTERM before the worker stops polling for good.
    shutdownGraceTime: '30 seconds',
  });
}
