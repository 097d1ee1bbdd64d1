import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { Client as PgClient } from 'pg';
import { PROJECT_ROOT } from '../project-root';
import { freePort } from '../temporal/dev-server';
import {
  prepareTemporalSchema,
  setupTemporalNamespace,
  startProductionServer,
  startTemporalUi,
  type FrontendTls,
  type ProductionServer,
  type TemporalDatabases,
} from '../temporal/production-server';
import { versitygwPath } from './versitygw-path';

/** The compiled entry points `npm run build` writes, run with node as the image runs them. */
const COMPILED = {
  worker: 'dist/worker.js',
  web: 'dist/src/web/main.js',
  simulator: 'dist/src/sim/main.js',
} as const;

/** Provider and Claude keys: with none set, the stack runs the simulator in their place. */
const PROVIDER_KEYS = ['ANTHROPIC_API_KEY', 'PIAPI_API_KEY', 'RUNWAYML_API_SECRET', 'FAL_KEY'];

export interface ProductionStackOptions {
  /** The local PostgreSQL that holds Temporal's two databases and the product's. */
  postgres: Omit<TemporalDatabases, 'names'>;
  /** Put before each database's name (tests: a run of their own); none for stack:prod. */
  databasePrefix?: string;
  /** Each process's folder (DATA_DIR) and log file go under it. */
  dataDir: string;
  /** Ports: the frontend, the Web UI, the web server; free ones when absent. */
  ports?: { temporal?: number; ui?: number; web?: number };
  /** The namespace's retention (`temporal operator namespace create --retention`). */
  retention?: string;
  /** The frontend's TLS; workers and web server then connect with `clientEnv`. */
  tls?: { server: FrontendTls; clientEnv: Record<string, string> };
  workers?: number;
  /** Passed on to every product process (provider keys, PROVIDER_CONCURRENCY...); process.env when absent. */
  env?: NodeJS.ProcessEnv;
  /** Logs what the stack does, one line a step. */
  say?: (line: string) => void;
}

export interface ProductionStack {
  temporal: ProductionServer;
  temporalAddress: string;
  temporalUiUrl: string;
  webUrl: string;
  reviewToken: string;
  s3Endpoint: string;
  simulatorUrl?: string;
  databaseUrl: string;
  taskQueue: string;
  workers: ChildProcess[];
  logDir: string;
  /** What every product process was started with: a test starts more workers like them. */
  productEnv: Record<string, string>;
  /** Starts one more compiled worker with the stack's settings (and `env` over them). */
  startWorker(name: string, env?: Record<string, string>): Promise<ChildProcess>;
  /** Stops everything it started, last started first. */
  stop(): Promise<void>;
}

/**
 * The production topology on this host, without Docker: what docker-compose.yml runs, from the
 * same deploy/temporal files. Temporal's own server on PostgreSQL (schema prepared, namespace
 * and search attributes registered), its Web UI, versitygw, the product's database, the
 * simulator when no provider key is set, compiled workers with their own DATA_DIRs and the
 * compiled web server.
 */
export async function startProductionStack(options: ProductionStackOptions): Promise<ProductionStack> {
  const say = options.say ?? (() => undefined);
  const prefix = options.databasePrefix ?? '';
  const stops: (() => Promise<void>)[] = [];
  const stop = async (): Promise<void> => {
    for (const step of stops.splice(0).reverse()) await step().catch(() => undefined);
  };
  const logDir = path.join(options.dataDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const log = (name: string) => createWriteStream(path.join(logDir, `${name}.log`), { flags: 'a' });
  try {
    for (const entry of Object.values(COMPILED)) {
      if (!existsSync(path.join(PROJECT_ROOT, entry))) throw new Error(`${entry} is missing: run npm run build first`);
    }

    const databases: TemporalDatabases = {
      ...options.postgres,
      names: { temporal: `${prefix}temporal`, visibility: `${prefix}temporal_visibility` },
    };
    say(`Temporal schema on PostgreSQL ${options.postgres.host}:${options.postgres.port} (${databases.names!.temporal}, ${databases.names!.visibility})`);
    await prepareTemporalSchema(databases);
    say('Temporal server');
    const temporal = await startProductionServer({
      databases,
      port: options.ports?.temporal,
      tls: options.tls?.server,
      logStream: log('temporal-server'),
    });
    stops.push(() => temporal.stop());
    await setupTemporalNamespace({ address: temporal.address, retention: options.retention, cliEnv: options.tls?.clientEnv });

    say('Temporal Web UI');
    const ui = await startTemporalUi({ address: temporal.address, port: options.ports?.ui ?? (await freePort()), tls: options.tls?.server });
    stops.push(() => ui.stop());

    say('object store (versitygw)');
    const s3 = await startObjectStore(path.join(options.dataDir, 'object-store'), log('object-store'));
    stops.push(() => s3.stop());

    const databaseUrl = await ensureDatabase(options.postgres, `${prefix}scene_regeneration`);
    const given = options.env ?? process.env;
    let simulatorUrl: string | undefined;
    if (!given.SIM_URL && !PROVIDER_KEYS.some((key) => given[key])) {
      say('provider simulator (no provider key set)');
      const port = await freePort();
      const simulator = await startNode(
        'simulator',
        COMPILED.simulator,
        { SIM_PORT: String(port), DATA_DIR: path.join(options.dataDir, 'simulator'), SIM_LATENCY_MS: given.SIM_LATENCY_MS ?? '1500' },
        'simulator listening',
        log('simulator'),
      );
      stops.push(() => simulator.stop());
      simulatorUrl = `http://127.0.0.1:${port}`;
    }

    const webPort = options.ports?.web ?? (await freePort());
    const webUrl = `http://127.0.0.1:${webPort}`;
    const reviewToken = given.REVIEW_API_TOKEN || randomBytes(18).toString('base64url');
    const taskQueue = given.TEMPORAL_TASK_QUEUE || 'scene-regeneration';
    const productEnv: Record<string, string> = {
      ...definedOnly(given),
      ...options.tls?.clientEnv,
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: taskQueue,
      TEMPORAL_UI_URL: ui.url,
      DATABASE_URL: databaseUrl,
      ASSET_STORE: 's3://scene-assets/assets',
      S3_ENDPOINT: s3.endpoint,
      AWS_ACCESS_KEY_ID: OBJECT_STORE_KEYS.access,
      AWS_SECRET_ACCESS_KEY: OBJECT_STORE_KEYS.secret,
      PUBLIC_URL: webUrl,
      HOST: '127.0.0.1',
      REVIEW_API_TOKEN: reviewToken,
      ...(simulatorUrl ? { SIM_URL: simulatorUrl } : {}),
    };

    const workers: ChildProcess[] = [];
    const startWorker = async (name: string, env: Record<string, string> = {}): Promise<ChildProcess> => {
      say(`worker ${name}`);
      const worker = await startNode(
        name,
        COMPILED.worker,
        {
          ...productEnv,
          DATA_DIR: path.join(options.dataDir, name),
          METRICS_PORT: String(await freePort()),
          TEMPORAL_METRICS_PORT: String(await freePort()),
          ...env,
        },
        '"worker started"',
        log(name),
      );
      stops.push(() => worker.stop());
      workers.push(worker.child);
      return worker.child;
    };
    for (let index = 1; index <= (options.workers ?? 2); index += 1) await startWorker(`worker-${index}`);

    say('web server');
    const web = await startNode(
      'web',
      COMPILED.web,
      { ...productEnv, DATA_DIR: path.join(options.dataDir, 'web'), PORT: String(webPort) },
      'Server listening at',
      log('web'),
    );
    stops.push(() => web.stop());

    return {
      temporal,
      temporalAddress: temporal.address,
      temporalUiUrl: ui.url,
      webUrl,
      reviewToken,
      s3Endpoint: s3.endpoint,
      simulatorUrl,
      databaseUrl,
      taskQueue,
      workers,
      logDir,
      productEnv,
      startWorker,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The object store's root credentials, for this host's loopback store only. */
const OBJECT_STORE_KEYS = { access: 'scene', secret: 'scene-object-store' };

async function startObjectStore(dir: string, logStream: NodeJS.WritableStream): Promise<{ endpoint: string; stop(): Promise<void> }> {
  mkdirSync(path.join(dir, 'scene-assets'), { recursive: true });
  const port = await freePort();
  const child = spawn(versitygwPath(), ['--port', `127.0.0.1:${port}`, '--quiet', 'posix', dir], {
    env: { PATH: process.env.PATH, ROOT_ACCESS_KEY: OBJECT_STORE_KEYS.access, ROOT_SECRET_KEY: OBJECT_STORE_KEYS.secret },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.pipe(logStream, { end: false });
  child.stderr!.pipe(logStream, { end: false });
  const endpoint = `http://127.0.0.1:${port}`;
  for (let until = Date.now() + 30_000; ; ) {
    if (child.exitCode !== null) throw new Error(`versitygw exited with ${child.exitCode}`);
    const answered = await fetch(endpoint).then(
      () => true,
      () => false,
    );
    if (answered) break;
    if (Date.now() > until) throw new Error(`versitygw did not answer at ${endpoint}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { endpoint, stop: () => stopChild(child) };
}

/** Creates the product's database when missing; its tables are the migrations' (run by worker and web). */
async function ensureDatabase(postgres: ProductionStackOptions['postgres'], name: string): Promise<string> {
  const client = new PgClient({ host: postgres.host, port: postgres.port, user: postgres.user, password: postgres.password, database: 'postgres' });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`create database "${name.replaceAll('"', '""')}"`);
  } finally {
    await client.end();
  }
  const credentials = postgres.password ? `${encodeURIComponent(postgres.user)}:${encodeURIComponent(postgres.password)}` : encodeURIComponent(postgres.user);
  return `postgres://${credentials}@${postgres.host}:${postgres.port}/${name}`;
}

interface NodeProcess {
  child: ChildProcess;
  stop(): Promise<void>;
}

/** A compiled entry point under node, its output appended to its log; resolves once `readyText` shows. */
async function startNode(
  name: string,
  entry: string,
  env: Record<string, string>,
  readyText: string,
  logStream: NodeJS.WritableStream,
): Promise<NodeProcess> {
  const child = spawn(process.execPath, [path.join(PROJECT_ROOT, entry)], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const onData = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-8000);
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  child.stdout!.pipe(logStream, { end: false });
  child.stderr!.pipe(logStream, { end: false });
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (output.includes(readyText)) done(resolve);
    }, 100);
    const limit = setTimeout(() => done(() => reject(new Error(`${name} did not start within 120 s:\n${output}`))), 120_000);
    const onExit = (code: number | null): void => done(() => reject(new Error(`${name} exited with ${code} before starting:\n${output}`)));
    const done = (then: () => void): void => {
      clearInterval(timer);
      clearTimeout(limit);
      child.off('exit', onExit);
      then();
    };
    child.once('exit', onExit);
  }).catch(async (error: unknown) => {
    await stopChild(child);
    throw error;
  });
  child.stdout!.off('data', onData);
  child.stderr!.off('data', onData);
  return { child, stop: () => stopChild(child) };
}

/** SIGTERM (a worker drains its activities), then SIGKILL after 40 s. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 40_000);
  await exited;
  clearTimeout(timer);
}

function definedOnly(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}
