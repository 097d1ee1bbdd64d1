import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { Logger } from 'pino';
import { createActivities } from '../../activities';
import { loadConfig, type AppConfig } from '../config';
import { openDatabase, type Db } from '../db/database';
import { startSimulator, type Simulator, type SimulatorOptions } from '../sim/server';
import { simSettingsFromEnv } from '../sim/sim-env';
import { startMetricsServer } from '../observability/metrics-server';
import { openAssetStore } from '../storage/open-asset-store';
import { reservePort, startDevServer, type DevServer } from '../temporal/dev-server';
import { clientWithDeadlines } from '../temporal/call-deadline';
import { buildWebServer, DEFAULT_RECONCILE_EVERY_MS } from '../web/server';
import { createSceneWorker } from '../worker/create-worker';

export interface StackOptions {
  /** The environment settings come from (CONTRACT.md); process.env when absent. */
  env?: NodeJS.ProcessEnv;
  /** Overrides DATA_DIR. */
  dataDir?: string;
  /** Use this Temporal server, reached with the environment's TLS or API key, instead of starting a dev server. */
  temporalAddress?: string;
  /** Dev server only: its gRPC port (7233, the CLI's default, when absent). */
  temporalPort?: number;
  /** Dev server only: serve the Web UI on this port. */
  temporalUiPort?: number;
  /** Dev server only: keep history in DATA_DIR so a restart loses nothing. */
  persistTemporal?: boolean;
  /** 'auto' simulates when no provider or Claude key is set and SIM_URL is not given. */
  simulator?: 'auto' | 'always' | 'never';
  simulatorOptions?: SimulatorOptions;
  /** The web server's port; 0 picks a free one. Defaults to PORT. */
  webPort?: number;
  taskQueue?: string;
  logger?: Logger;
  /**
   * The product metrics' port (/metrics, on loopback). Defaults to METRICS_PORT when the
   * environment sets it, else a free port, so tests and a second stack never collide.
   */
  metricsPort?: number;
  /** Temporal's exporter, when the caller's Runtime has one (installTemporalRuntime): served on too. */
  temporalMetricsUrl?: string;
  /** How often the web server closes queue entries of terminated or reset runs; default 30 s. */
  reconcileEveryMs?: number;
}

export interface Stack {
  config: AppConfig;
  webUrl: string;
  token: string;
  temporalAddress: string;
  temporalUiUrl?: string;
  /** Prometheus endpoint with the product's metrics. */
  metricsUrl: string;
  simulator?: Simulator;
  client: Client;
  db: Db;
  worker: Worker;
  stop(): Promise<void>;
}

/**
 * The whole product in one process: Temporal (given or a dev server), the simulator when no keys
 * are set, the database, the worker with every real activity, and the web server, sharing one
 * database handle and one Temporal client, so one command (the demo) runs everything.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const env = { ...(options.env ?? process.env) };
  const stops: (() => Promise<void>)[] = [];
  const stop = async (): Promise<void> => {
    for (const step of stops.reverse()) await step().catch(() => undefined);
  };
  try {
    const webPort = options.webPort ?? Number(env.PORT ?? 3000);
    // The port must be known now (asset URLs name it) but is listened on last: hold it till then.
    const reserved = webPort === 0 ? await reservePort() : undefined;
    if (reserved) stops.push(() => reserved.release());
    const port = reserved?.port ?? webPort;
    const dataDir = path.resolve(options.dataDir ?? env.DATA_DIR ?? './data');
    mkdirSync(dataDir, { recursive: true });

    let devServer: DevServer | undefined;
    if (!options.temporalAddress) {
      devServer = await startDevServer({
        port: options.temporalPort ?? 7233,
        uiPort: options.temporalUiPort,
        dbFilename: options.persistTemporal ? path.join(dataDir, 'temporal.sqlite') : undefined,
      });
      stops.push(() => devServer!.stop());
    }
    const temporalAddress = options.temporalAddress ?? devServer!.address;

    const hasKeys = ['ANTHROPIC_API_KEY', 'PIAPI_API_KEY', 'RUNWAYML_API_SECRET', 'FAL_KEY'].some((k) => env[k]);
    const simulate =
      options.simulator === 'always' || (options.simulator !== 'never' && !env.SIM_URL && !hasKeys);
    let simulator: Simulator | undefined;
    if (simulate) {
      // The judge's and reviewers' SIM_* settings, as `npm run sim` reads them: by default an exact judge.
      simulator = await startSimulator({
        dataDir: path.join(dataDir, 'sim-cache'),
        settings: simSettingsFromEnv(env),
        ...options.simulatorOptions,
      });
      stops.push(() => simulator!.stop());
    }

    const token = env.REVIEW_API_TOKEN || randomBytes(18).toString('base64url');
    const config = loadConfig({
      ...env,
      DATA_DIR: dataDir,
      PORT: String(port),
      PUBLIC_URL: env.PUBLIC_URL ?? `http://127.0.0.1:${port}`,
      TEMPORAL_ADDRESS: temporalAddress,
      TEMPORAL_TASK_QUEUE: options.taskQueue ?? env.TEMPORAL_TASK_QUEUE,
      SIM_URL: simulator?.url ?? env.SIM_URL,
      REVIEW_API_TOKEN: token,
    });

    const metrics = await startMetricsServer({
      host: '127.0.0.1',
      port: options.metricsPort ?? (env.METRICS_PORT ? config.metrics.port : 0),
      temporalMetricsUrl: options.temporalMetricsUrl,
      logger: options.logger,
    });
    stops.push(() => metrics.close());

    const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
    stops.push(() => db.close());
    const store = await openAssetStore(config, { writes: true });

    // A given server is reached as the environment says (TLS, API key); the stack's own dev server in the clear.
    const connectionSettings = devServer ? { address: temporalAddress } : config.temporal.connection;
    const nativeConnection = await NativeConnection.connect(connectionSettings);
    stops.push(() => nativeConnection.close());
    const worker = await createSceneWorker({
      connection: nativeConnection,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      activities: createActivities({ config, db, store }),
    });
    const running = worker.run();
    stops.push(async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    });

    const connection = await Connection.connect(connectionSettings);
    stops.push(() => connection.close());
    const client = clientWithDeadlines(connection, config.temporal.namespace, config.temporal.callTimeoutMs);

    const web = buildWebServer({
      db,
      temporal: client,
      taskQueue: config.temporal.taskQueue,
      decisionHoldMs: config.decisionHoldMs,
      assets: store,
      webhookSecret: config.providerWebhooks?.secret,
      reviewers: [{ reviewer: 'reviewer', token }, ...config.reviewerTokens],
      reconcileEveryMs: options.reconcileEveryMs ?? DEFAULT_RECONCILE_EVERY_MS,
      temporalCallTimeoutMs: config.temporal.callTimeoutMs,
      logger: options.logger ? { level: options.logger.level } : false,
      reviewUi: {
        temporalUiUrl: devServer?.uiUrl ?? config.temporalUiUrl,
        temporalNamespace: config.temporal.namespace,
      },
    });
    await reserved?.release();
    await web.listen({ port, host: '127.0.0.1' });
    stops.push(async () => {
      // In-flight requests get a moment to finish; a client that never reads its response
      // (a stalled video download) must not hold the whole product open.
      const force = setTimeout(() => web.server.closeAllConnections(), 5_000);
      await web.close();
      clearTimeout(force);
    });

    return {
      config,
      webUrl: `http://127.0.0.1:${port}`,
      token,
      temporalAddress,
      temporalUiUrl: devServer?.uiUrl,
      metricsUrl: metrics.url,
      simulator,
      client,
      db,
      worker,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
