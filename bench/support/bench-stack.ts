import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { register } from 'prom-client';
import { createActivities } from '../../activities';
import { loadConfig, type AppConfig } from '../../src/config';
import { openDatabase, type Db } from '../../src/db/database';
import type { SceneActivities } from '../../activities';
import { startSimulator, type Simulator } from '../../src/sim/server';
import { createAssetStore } from '../../src/storage/open-asset-store';
import { createSceneWorker, type WorkerTuning } from '../../src/worker/create-worker';
import { startBenchTemporal, type BenchServerKind, type BenchTemporal } from './bench-temporal';
import { createBenchDatabase } from './postgres';
import type { ChildMessage, ParentMessage } from './worker-child';

export interface BenchStackOptions {
  /** Simulated provider latency (submission to finished task). */
  simLatencyMs: number;
  /**
   * 'child' runs the worker in a process of its own so its CPU and memory can be read apart;
   * 'in-process' keeps everything here, and exposes the activities for a plain loop; 'none'
   * leaves the worker to the benchmark, which starts it with `env`.
   */
  worker: 'in-process' | 'child' | 'none';
  /** 'child' only: this many more worker processes on the same task queue (scale-out). */
  extraWorkers?: number;
  tuning?: Partial<WorkerTuning>;
  /** The child worker's log level: ERROR for benchmarks whose activities fail on purpose. */
  workerLogLevel?: 'WARN' | 'ERROR';
  /** Node options for the child worker, on top of BENCH_WORKER_NODE_OPTIONS, e.g. --expose-gc. */
  workerNodeOptions?: string[];
  /** Extra `--dynamic-config-value` settings for the dev server, e.g. eager activity execution. */
  dynamicConfig?: Record<string, string | number | boolean>;
  /** The dev server unless given (bench-temporal.ts). */
  server?: BenchServerKind;
}

export interface BenchStack {
  /** What a worker process needs to join this stack (Temporal, database, simulator, task queue). */
  env: NodeJS.ProcessEnv;
  client: Client;
  taskQueue: string;
  simulator: Simulator;
  /** The Temporal server the stack runs on, dev or production. */
  temporal: BenchTemporal;
  /** The driver's own connection, for checks against what the worker wrote. */
  db: Db;
  config: AppConfig;
  /** The same functions the worker runs; in-process only. */
  activities?: SceneActivities;
  workerPid: number;
  /** The extra worker processes' pids (extraWorkers). */
  extraWorkerPids: number[];
  /** The Temporal server's process (the dev server's, or the production server's). */
  temporalServerPid: number;
  /** prom-client metrics of the worker process (analysis tokens, cost). */
  workerMetrics(): Promise<Awaited<ReturnType<typeof register.getMetricsAsJSON>>>;
  /** The worker's own process ('child' mode). */
  workerProcess?: ChildProcess;
  /**
   * The worker process's main-thread memory ('child' mode), after a full collection when it runs
   * with --expose-gc (workerNodeOptions): what its heap really holds, apart from RSS.
   */
  workerMemory(options?: { gc?: boolean }): Promise<NodeJS.MemoryUsage | undefined>;
  /** Workflow tasks the child worker warned ran over 5 s (TMPRL1104); 'child' mode only. */
  slowWorkflowTasks(): Promise<number>;
  stop(): Promise<void>;
}

let runtimeInstalled = false;

/**
 * What the product runs, minus the web server: a Temporal server (the dev server unless
 * `server` says otherwise), the simulator, a fresh
 * PostgreSQL database, the real activities and the product's worker. Data lives in a temporary
 * directory removed on stop.
 */
export async function startBenchStack(options: BenchStackOptions): Promise<BenchStack> {
  if (!runtimeInstalled) {
    Runtime.install({ logger: new DefaultLogger('WARN') });
    runtimeInstalled = true;
  }
  const stops: (() => Promise<unknown>)[] = [];
  const stop = async (): Promise<void> => {
    for (const step of stops.reverse()) await step().catch((error: unknown) => console.error('bench stop:', error));
  };
  try {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'bench-stack-'));
    stops.push(() => rm(dataDir, { recursive: true, force: true }));
    const [temporal, database] = await Promise.all([
      startBenchTemporal(options.server ?? 'dev', options.dynamicConfig),
      createBenchDatabase(),
    ]);
    stops.push(() => temporal.stop());
    stops.push(() => database.drop());
    const simulator = await startSimulator({ latencyMs: options.simLatencyMs, dataDir: path.join(dataDir, 'sim-cache') });
    stops.push(() => simulator.stop());

    const taskQueue = `bench-${randomUUID()}`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: database.url,
      DATA_DIR: dataDir,
      SIM_URL: simulator.url,
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      LOG_LEVEL: 'warn',
      // Keys must be absent so every call goes to the simulator.
      ANTHROPIC_API_KEY: '',
      PIAPI_API_KEY: '',
      RUNWAYML_API_SECRET: '',
      FAL_KEY: '',
    };
    const config = loadConfig(env);
    const db = await openDatabase({ databaseUrl: database.url, dataDir });
    stops.push(() => db.close());

    const worker: StartedWorker =
      options.worker === 'child'
        ? await startChildWorker(
            { ...env, BENCH_WORKER_LOG_LEVEL: options.workerLogLevel ?? 'WARN' },
            options.tuning,
            options.workerNodeOptions ?? [],
            stops,
          )
        : options.worker === 'in-process'
          ? await startInProcessWorker(config, db, options.tuning, stops)
          : { pid: 0, metrics: () => Promise.resolve([]) };

    const extraWorkerPids: number[] = [];
    for (let i = 0; i < (options.worker === 'child' ? (options.extraWorkers ?? 0) : 0); i++) {
      const extra = await startChildWorker(
        { ...env, BENCH_WORKER_LOG_LEVEL: options.workerLogLevel ?? 'WARN' },
        options.tuning,
        options.workerNodeOptions ?? [],
        stops,
      );
      extraWorkerPids.push(extra.pid);
    }

    const connection = await Connection.connect({ address: temporal.address });
    stops.push(() => connection.close());
    const client = new Client({ connection });

    return {
      env,
      client,
      taskQueue,
      simulator,
      temporal,
      db,
      config,
      activities: worker.activities,
      workerPid: worker.pid,
      extraWorkerPids,
      temporalServerPid: temporal.pid,
      workerMetrics: worker.metrics,
      workerProcess: worker.child,
      workerMemory: (options) => worker.memory?.(options) ?? Promise.resolve(undefined),
      slowWorkflowTasks: () => worker.slowWorkflowTasks?.() ?? Promise.resolve(0),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

interface StartedWorker {
  pid: number;
  /** The worker's process, when it has one of its own. */
  child?: ChildProcess;
  activities?: SceneActivities;
  metrics: BenchStack['workerMetrics'];
  memory?: BenchStack['workerMemory'];
  slowWorkflowTasks?: BenchStack['slowWorkflowTasks'];
}

async function startInProcessWorker(
  config: AppConfig,
  db: Db,
  tuning: Partial<WorkerTuning> | undefined,
  stops: (() => Promise<unknown>)[],
): Promise<StartedWorker> {
  const store = createAssetStore(config);
  const activities = createActivities({ config, db, store });
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  stops.push(() => connection.close());
  const worker: Worker = await createSceneWorker({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    activities,
    tuning,
  });
  const running = worker.run();
  stops.push(async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await running;
  });
  return { pid: process.pid, activities, metrics: () => register.getMetricsAsJSON() };
}

async function startChildWorker(
  env: NodeJS.ProcessEnv,
  tuning: Partial<WorkerTuning> | undefined,
  extraNodeOptions: string[],
  stops: (() => Promise<unknown>)[],
): Promise<StartedWorker> {
  // The worker runs compiled, as `npm run worker:prod` runs it (with the prebuilt workflow bundle);
  // BENCH_WORKER_COMPILED=0 runs it under ts-node instead, as `npm run worker` does.
  const compiled = process.env.BENCH_WORKER_COMPILED !== '0';
  if (compiled) compileOnce();
  const script = compiled
    ? path.resolve(__dirname, '../../dist/bench/support/worker-child.js')
    : path.join(__dirname, 'worker-child.ts');
  const nodeOptions = [...(process.env.BENCH_WORKER_NODE_OPTIONS ?? '').split(' ').filter(Boolean), ...extraNodeOptions];
  const child: ChildProcess = fork(script, [], {
    env: { ...env, BENCH_WORKER_TUNING: JSON.stringify(tuning ?? {}) },
    execArgv: [...(compiled ? productionNodeFlags() : ['-r', 'ts-node/register']), ...nodeOptions],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  stops.push(async () => {
    if (child.connected) child.send({ type: 'stop' } satisfies ParentMessage);
    const timer = setTimeout(() => child.kill('SIGKILL'), 40_000);
    await exited;
    clearTimeout(timer);
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the worker did not start within 180 s')), 180_000);
    child.on('message', (message: ChildMessage) => {
      if (message.type === 'ready') {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`the worker exited with ${code} before it started`)));
  });
  /** Sends the child a request and resolves with its first answer of the matching type. */
  const ask = <T extends ChildMessage['type']>(request: ParentMessage & { type: T }) =>
    new Promise<Extract<ChildMessage, { type: T }>>((resolve) => {
      const onMessage = (message: ChildMessage) => {
        if (message.type !== request.type) return;
        child.off('message', onMessage);
        resolve(message as Extract<ChildMessage, { type: T }>);
      };
      child.on('message', onMessage);
      child.send(request);
    });
  const metrics = () => ask({ type: 'metrics' }).then((answer) => answer.metrics);
  const memory = (options?: { gc?: boolean }) => ask({ type: 'memory', gc: options?.gc }).then((answer) => answer.usage);
  const slowWorkflowTasks = () => ask({ type: 'warnings' }).then((answer) => answer.slowWorkflowTasks);
  return { pid: child.pid!, metrics, memory, slowWorkflowTasks, child };
}

let compiled = false;

/**
 * The product as `npm run build` makes it (compiled JavaScript, the prebuilt workflow bundle) plus
 * the benchmark's own worker process, compiled beside it; once per benchmark process.
 */
/** The node flags `npm run worker:prod` runs the worker with (package.json is their one home). */
function productionNodeFlags(): string[] {
  const root = path.resolve(__dirname, '../..');
  const scripts = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const match = /\bnode((?:\s+--\S+)*)\s+dist\/worker\.js/.exec(scripts['worker:prod'] ?? '');
  if (!match) throw new Error('package.json\'s worker:prod script no longer reads "node [--flags] dist/worker.js"');
  return match[1].trim().split(/\s+/).filter(Boolean);
}

function compileOnce(): void {
  if (compiled) return;
  const root = path.resolve(__dirname, '../..');
  console.log('compiling the worker (npm run build, and the benchmark worker beside it)...');
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  execFileSync('npx', ['tsc', '-p', 'tsconfig.json', '--noEmit', 'false', '--outDir', 'dist'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  compiled = true;
}
