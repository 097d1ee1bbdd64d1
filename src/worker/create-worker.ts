import { NativeConnection, Worker } from '@temporalio/worker';
import type { SceneActivities } from '../domain/activity-types';

export interface SceneWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: SceneActivities;
}

/**
 * The worker that runs both workflows and every activity. Slots and cache are the SDK defaults
 * until the throughput benchmark says otherwise: a round spends its time waiting on providers,
 * not on the CPU.
 */
export function createSceneWorker(options: SceneWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    workflowsPath: require.resolve('../../workflows'),
    activities: options.activities,
    // Let in-flight activities finish on SIGTERM before the worker stops polling for good.
    shutdownGraceTime: '30 seconds',
  });
}
