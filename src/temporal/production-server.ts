import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { Connection, type ConnectionOptions } from '@temporalio/client';
import { PROJECT_ROOT } from '../project-root';
import { SEARCH_ATTRIBUTE_FLAGS } from '../domain/search-attributes';
import { temporalCliPath } from './temporal-cli';

const run = promisify(execFile);
const DEPLOY_DIR = path.join(PROJECT_ROOT, 'deploy', 'temporal');

/** Temporal's production server, its schema tool, the Web UI's server and the schema files. */
export interface TemporalServerTools {
  server: string;
  sqlTool: string;
  uiServer: string;
  /** schema/postgresql/v12 of the server's module: temporal/ and visibility/ inside. */
  schemaDir: string;
}

let tools: TemporalServerTools | undefined;

/** Found or built by scripts/install-temporal-server.sh, the one place that knows where. */
export async function temporalServerTools(): Promise<TemporalServerTools> {
  if (tools) return tools;
  const script = path.join(PROJECT_ROOT, 'scripts', 'install-temporal-server.sh');
  const { stdout } = await run('bash', [script], { maxBuffer: 16 * 1024 * 1024 });
  const [server, sqlTool, uiServer, schemaDir] = stdout.trim().split('\n').slice(-4);
  tools = { server, sqlTool, uiServer, schemaDir };
  return tools;
}

/** Where Temporal keeps its two databases, and as whom it connects. */
export interface TemporalDatabases {
  host: string;
  port: number;
  user: string;
  password?: string;
  /** The two databases' names: `temporal` and `temporal_visibility` unless given. */
  names?: { temporal: string; visibility: string };
}

/** The frontend's TLS: its certificate, and the CA its clients' certificates must be signed by (mTLS). */
export interface FrontendTls {
  certPath: string;
  keyPath: string;
  /** Set: clients must present a certificate signed by this CA. */
  clientCaPath?: string;
  /** The certificate the server's own system workers present when clientCaPath is set. */
  systemWorkerCertPath?: string;
  systemWorkerKeyPath?: string;
  /** The name in the frontend's certificate (localhost unless given). */
  serverName?: string;
  /** The CA of the frontend's certificate (clientCaPath unless given). */
  serverCaPath?: string;
}

/** The variables deploy/temporal/config.yaml and setup-schema.sh read, for these databases. */
function databaseEnv(databases: TemporalDatabases): Record<string, string> {
  return {
    DB: 'postgres12',
    POSTGRES_SEEDS: databases.host,
    DB_PORT: String(databases.port),
    POSTGRES_USER: databases.user,
    POSTGRES_PWD: databases.password ?? '',
    SQL_PASSWORD: databases.password ?? '',
    DBNAME: databases.names?.temporal ?? 'temporal',
    VISIBILITY_DBNAME: databases.names?.visibility ?? 'temporal_visibility',
  };
}

/** Schema versions of the two databases, as temporal-sql-tool records them. */
export interface TemporalSchemaVersions {
  temporal: string;
  visibility: string;
}

/**
 * Creates the databases if needed and brings their schemas to the server's version
 * (deploy/temporal/setup-schema.sh, as the compose file's schema job runs it); safe to repeat.
 * `upTo`: stop at these versions instead (an older server's), from the same versioned files.
 */
export async function prepareTemporalSchema(databases: TemporalDatabases, upTo?: TemporalSchemaVersions): Promise<void> {
  const { sqlTool, schemaDir } = await temporalServerTools();
  await runScript('setup-schema.sh', {
    ...databaseEnv(databases),
    TEMPORAL_SCHEMA_DIR: schemaDir,
    ...(upTo ? { TEMPORAL_SCHEMA_VERSION: upTo.temporal, VISIBILITY_SCHEMA_VERSION: upTo.visibility } : {}),
    PATH: `${path.dirname(sqlTool)}${path.delimiter}${process.env.PATH ?? ''}`,
  });
}

export interface ProductionServerOptions {
  databases: TemporalDatabases;
  /** The frontend's gRPC port; a free one when absent. The other roles' ports are always free ones. */
  port?: number;
  tls?: FrontendTls;
  /** Where the server's log lines go (JSON, one a line); dropped when absent. */
  logStream?: NodeJS.WritableStream;
  /** How long to wait for the frontend to answer; the first start on a new database takes longest. */
  startTimeoutMs?: number;
  /**
   * A `temporal-server` from before 1.30 to run instead of the stack's own (a schema upgrade's
   * starting point). Those read their configuration from a folder (`--root`, `--config`, `--env`
   * name the file) rather than from TEMPORAL_SERVER_CONFIG_FILE_PATH: the same config.yaml.
   */
  olderServerPath?: string;
}

export interface ProductionServer {
  address: string;
  process: ChildProcess;
  /** SIGTERM, then SIGKILL after 15 s. */
  stop(): Promise<void>;
  /** SIGKILL, as a crashed host. */
  kill(): Promise<void>;
}

/**
 * `temporal-server start` on deploy/temporal/config.yaml and dynamicconfig.yaml (the files the
 * compose file mounts), every role in one process, on loopback; resolves once the frontend answers.
 */
export async function startProductionServer(options: ProductionServerOptions): Promise<ProductionServer> {
  const server = options.olderServerPath ?? (await temporalServerTools()).server;
  const args = options.olderServerPath ? ['--root', DEPLOY_DIR, '--config', '.', '--env', 'config', 'start'] : ['start'];
  const port = options.port ?? (await freeServerPort());
  const ports: Record<string, string> = { FRONTEND_GRPC_PORT: String(port) };
  for (const role of ['FRONTEND', 'HISTORY', 'MATCHING', 'WORKER']) {
    if (role !== 'FRONTEND') ports[`${role}_GRPC_PORT`] = String(await freeServerPort());
    ports[`${role}_MEMBERSHIP_PORT`] = String(await freeServerPort());
  }
  ports.FRONTEND_HTTP_PORT = String(await freeServerPort());
  const tls = options.tls;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ...databaseEnv(options.databases),
    ...ports,
    BIND_ON_IP: '127.0.0.1',
    TEMPORAL_SERVER_CONFIG_FILE_PATH: path.join(DEPLOY_DIR, 'config.yaml'),
    DYNAMIC_CONFIG_FILE_PATH: path.join(DEPLOY_DIR, 'dynamicconfig.yaml'),
    // No authorizer: the frontend is on loopback, or behind mTLS.
    TEMPORAL_ALLOW_NO_AUTH: 'true',
    ...(tls
      ? {
          FRONTEND_TLS_CERT_PATH: tls.certPath,
          FRONTEND_TLS_KEY_PATH: tls.keyPath,
          FRONTEND_TLS_CLIENT_CA_PATH: tls.clientCaPath ?? '',
          SYSTEM_WORKER_TLS_CERT_PATH: tls.systemWorkerCertPath ?? '',
          SYSTEM_WORKER_TLS_KEY_PATH: tls.systemWorkerKeyPath ?? '',
          FRONTEND_TLS_SERVER_NAME: tls.serverName ?? 'localhost',
          FRONTEND_TLS_SERVER_CA_PATH: tls.serverCaPath ?? tls.clientCaPath ?? '',
        }
      : {}),
  };
  const child = spawn(server, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  const keepTail = (chunk: Buffer): void => {
    tail = (tail + chunk.toString()).slice(-4000);
  };
  child.stdout!.on('data', keepTail);
  child.stderr!.on('data', keepTail);
  if (options.logStream) {
    child.stdout!.pipe(options.logStream, { end: false });
    child.stderr!.pipe(options.logStream, { end: false });
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const address = `127.0.0.1:${port}`;
  const running = (): boolean => child.exitCode === null && child.signalCode === null;
  const stopWith = async (signal: NodeJS.Signals): Promise<void> => {
    if (!running()) return;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await waitForFrontend(
      { address, ...(tls ? { tls: frontendClientTls(tls) } : {}) },
      options.startTimeoutMs ?? 120_000,
      running,
      () => tail,
    );
  } catch (error) {
    await stopWith('SIGKILL');
    throw error;
  }
  return { address, process: child, stop: () => stopWith('SIGTERM'), kill: () => stopWith('SIGKILL') };
}

/**
 * The cluster_membership table keeps each role's port as a smallint (rpc_port, schema
 * postgresql/v12/temporal/schema.sql), so a port above 32767 stops the server at start ("value
 * out of range for type smallint"); the kernel's free ports are above it. Free ones below, then.
 */
async function freeServerPort(): Promise<number> {
  for (let tries = 0; tries < 50; tries += 1) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await new Promise<boolean>((resolve) => {
      const server = net.createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error('no free port below 32768 for the Temporal server\'s membership');
}

/** How this module reaches a TLS frontend it started: with the system workers' certificate. */
function frontendClientTls(tls: FrontendTls): ConnectionOptions['tls'] {
  const ca = tls.serverCaPath ?? tls.clientCaPath;
  return {
    serverNameOverride: tls.serverName ?? 'localhost',
    ...(ca ? { serverRootCACertificate: readFileSync(ca) } : {}),
    ...(tls.systemWorkerCertPath && tls.systemWorkerKeyPath
      ? { clientCertPair: { crt: readFileSync(tls.systemWorkerCertPath), key: readFileSync(tls.systemWorkerKeyPath) } }
      : {}),
  };
}

async function waitForFrontend(
  options: ConnectionOptions,
  timeoutMs: number,
  running: () => boolean,
  log: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (!running()) throw new Error(`temporal-server exited before its frontend answered:\n${log()}`);
    try {
      const connection = await Connection.connect({ ...options, connectTimeout: 2_000 });
      try {
        await connection.workflowService.getSystemInfo({});
        return;
      } finally {
        await connection.close();
      }
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  throw new Error(`temporal-server at ${options.address} did not answer within ${timeoutMs} ms: ${String(lastError)}\n${log()}`);
}

/**
 * The namespace with its retention and CONTRACT.md's search attributes
 * (deploy/temporal/setup-namespace.sh, as the compose file's setup job runs it, with the
 * Temporal CLI). `cliEnv` carries TEMPORAL_TLS_* for a TLS frontend (the CLI reads them).
 */
export async function setupTemporalNamespace(options: {
  address: string;
  namespace?: string;
  retention?: string;
  cliEnv?: Record<string, string>;
}): Promise<void> {
  await runScript('setup-namespace.sh', {
    ...options.cliEnv,
    TEMPORAL_ADDRESS: options.address,
    TEMPORAL_NAMESPACE: options.namespace ?? 'default',
    NAMESPACE_RETENTION: options.retention ?? '30d',
    SEARCH_ATTRIBUTES: SEARCH_ATTRIBUTE_FLAGS.join(' '),
    PATH: `${path.dirname(temporalCliPath())}${path.delimiter}${process.env.PATH ?? ''}`,
  });
}

export interface TemporalUi {
  url: string;
  stop(): Promise<void>;
}

/** The Web UI's own server (ui-server, the one the CLI embeds) on deploy/temporal/ui/, on loopback. */
export async function startTemporalUi(options: {
  address: string;
  port: number;
  namespace?: string;
  /** A TLS frontend: reached with its CA, and the system workers' certificate under mTLS. */
  tls?: FrontendTls;
}): Promise<TemporalUi> {
  const { uiServer } = await temporalServerTools();
  const url = `http://127.0.0.1:${options.port}`;
  const child = spawn(uiServer, ['--root', DEPLOY_DIR, '--config', 'ui', '--env', 'production', 'start'], {
    env: {
      PATH: process.env.PATH,
      TEMPORAL_ADDRESS: options.address,
      TEMPORAL_UI_PORT: String(options.port),
      TEMPORAL_DEFAULT_NAMESPACE: options.namespace ?? 'default',
      ...(options.tls
        ? {
            TEMPORAL_TLS_CA: options.tls.serverCaPath ?? options.tls.clientCaPath ?? '',
            TEMPORAL_TLS_CERT: options.tls.systemWorkerCertPath ?? '',
            TEMPORAL_TLS_KEY: options.tls.systemWorkerKeyPath ?? '',
            TEMPORAL_TLS_SERVER_NAME: options.tls.serverName ?? 'localhost',
          }
        : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await exited;
  };
  for (let until = Date.now() + 30_000; ; ) {
    if (child.exitCode !== null) throw new Error(`the Temporal Web UI server exited:\n${output}`);
    const answered = await fetch(`${url}/api/v1/settings`).then(
      (response) => response.ok,
      () => false,
    );
    if (answered) break;
    if (Date.now() > until) {
      await stop();
      throw new Error(`the Temporal Web UI server did not answer at ${url} within 30 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { url, stop };
}

async function runScript(name: string, env: Record<string, string>): Promise<void> {
  try {
    await run('sh', [path.join(DEPLOY_DIR, name)], { env: { HOME: process.env.HOME, ...env }, maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message: string };
    const output = `${failed.stdout ?? ''}${failed.stderr ?? ''}`.split('\n').slice(-30).join('\n');
    throw new Error(`deploy/temporal/${name} failed: ${failed.message.split('\n')[0]}\n${output}`);
  }
}
