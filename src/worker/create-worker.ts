import type { Duration } from '@temporalio/common';
import { NativeConnection, Worker, type WorkerDeploymentOptions } from '@temporalio/worker';
import { loadWorkflowBundle } from './workflow-bundle';

/** The worker options bench/throughput.ts and bench/waiting-is-free.ts were used to choose. */
export interface WorkerTuning {
  maxCachedWorkflows: number;
  maxConcurrentWorkflowTaskExecutions: number;
  maxConcurrentWorkflowTaskPolls: number;
  maxConcurrentActivityTaskExecutions: number;
  maxConcurrentActivityTaskPolls: number;
  stickyQueueScheduleToStartTimeout: Duration;
}

/**
 * Chosen with bench/waiting-is-free.ts, bench/cached-workflow-memory.ts and bench/throughput.ts
 * (figures in the README's "Performance").
 * - maxCachedWorkflows 100: the SDK's default grows with the heap limit (thousands on a large
 *   machine), memory held by rounds that only wait for a reviewer. An evicted round costs nothing
 *   while it waits and replays its short history when a decision arrives; more cached rounds save
 *   replays, not the bulk of the CPU.
 * - 100 activity slots (the SDK default): a generation holds a slot only while generateAsset
 *   looks at the provider's task once (Temporal's server waits out the gaps between looks as the
 *   activity's retries), so the slots bound short calls and analyses, not generations in flight.
 * - 10 workflow-task slots and 5 pollers: every workflow task of this worker runs on one sandbox
 *   thread (reuseV8Context, the SDK's default of one thread). Slots beyond what that thread
 *   finishes only queue tasks inside the worker, where their time counts against the workflow
 *   task timeout (TMPRL1104 at 5 s, failure at 10 s) instead of waiting on the server, where
 *   another worker could take them. Pollers are half the slots, as the SDK's guidance advises.
 * - stickyQueueScheduleToStartTimeout 30 s (the SDK's default is 10 s): a cached round's next
 *   task waits on this worker's own queue; past the timeout the server hands it to the shared
 *   queue, and whichever worker takes it replays the whole history, which adds CPU exactly when
 *   the worker is too busy to poll. With 1,000 rounds started at once on 2 cores, 10 s let 808
 *   tasks time out so and 30 s none (bench/throughput.ts, same load). The cost: a task already on
 *   the queue of a worker that died waits up to 30 s before another worker takes it (new tasks
 *   go to the shared queue at once once the server sees no poller on the worker's queue).
 */
export const WORKER_TUNING: Readonly<WorkerTuning> = {
  maxCachedWorkflows: 100,
  maxConcurrentWorkflowTaskExecutions: 10,
  maxConcurrentWorkflowTaskPolls: 5,
  maxConcurrentActivityTaskExecutions: 100,
  maxConcurrentActivityTaskPolls: 10,
  stickyQueueScheduleToStartTimeout: '30s',
};

export interface SceneWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  /** Every activity the workflows call (activities/index.ts createActivities). */
  activities: object;
  /** Overrides of WORKER_TUNING, for benchmarks that compare settings. */
  tuning?: Partial<WorkerTuning>;
  /** The Worker Deployment Version to register (WORKER_BUILD_ID); absent: an unversioned worker. */
  deployment?: { name: string; buildId: string };
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
    ...(options.deployment ? { workerDeploymentOptions: deploymentOptions(options.deployment) } : {}),
    // Let in-flight activities finish on SIGTERM before the worker stops polling for good.
    shutdownGraceTime: '30 seconds',
  });
}

/**
 * README "Shipping a change to workflow code": every workflow task goes to the deployment's Current
 * Version, so a round waiting days for a reviewer continues on the build deployed since. The
 * behaviour is the worker's default rather than an annotation on the workflows: an annotated
 * workflow's tasks never complete on an unversioned worker (SDK 1.24, dev server 1.29: the task
 * times out), and the demo, the tests and a laptop run unversioned.
 */
export function deploymentOptions(deployment: { name: string; buildId: string }): WorkerDeploymentOptions {
  return {
    useWorkerVersioning: true,
    version: { deploymentName: deployment.name, buildId: deployment.buildId },
    defaultVersioningBehavior: 'AUTO_UPGRADE' as const,
  };
}
