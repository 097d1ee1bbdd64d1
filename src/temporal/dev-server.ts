import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { Connection } from '@temporalio/client';
import { temporalCliPath } from './temporal-cli';
import { SEARCH_ATTRIBUTE_FLAGS } from '../domain/search-attributes';

export interface DevServerOptions {
  /** gRPC port; a free one is picked when absent. */
  port?: number;
  /** Serve the Web UI on this port; absent means headless. */
  uiPort?: number;
  /** Persist history to this SQLite file so a restart keeps it; absent means in memory. */
  dbFilename?: string;
  namespace?: string;
  /** How long to wait for the frontend to answer. A cold start on a busy 2-core machine is slow. */
  startTimeoutMs?: number;
  /** Where the server's own log lines go. */
  logStream?: NodeJS.WritableStream;
  /** Extra dynamic config, e.g. { 'system.enableActivityEagerExecution': true }. */
  dynamicConfig?: Record<string, string | number | boolean>;
}

export interface DevServer {
  address: string;
  uiUrl?: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * The dev server keeps every workflow on one history shard, and each shard's task queues (transfer:
 * activity and workflow tasks; timer; visibility) are read at most 20 times a second by default.
 * A cluster spreads workflows over hundreds of shards; here that limit is global and every
 * activity waits for its turn. bench/orchestration-cost.ts measures what each setting costs.
 */
export const DEV_SERVER_DYNAMIC_CONFIG: Readonly<Record<string, number | boolean>> = {
  'history.transferProcessorMaxPollRPS': 1000,
  'history.timerProcessorMaxPollRPS': 1000,
  'history.visibilityProcessorMaxPollRPS': 1000,
  // A worker that schedules an activity on its own task queue may start it at once, in the answer
  // to its workflow task, instead of waiting for its next poll (off by default in the server).
  'system.enableActivityEagerExecution': true,
};

/**
 * Starts `temporal server start-dev` with CONTRACT.md's search attributes and waits until its
 * frontend answers. We start it ourselves rather than through createLocal, which gives the
 * server only 5 s and downloads a CLI of its own by default.
 */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const port = options.port ?? (await freePort());
  const namespace = options.namespace ?? 'default';
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--namespace', namespace];
  args.push('--log-format', 'json', '--log-level', 'warn');
  if (options.dbFilename) args.push('--db-filename', options.dbFilename);
  if (options.uiPort) args.push('--ui-port', String(options.uiPort));
  else args.push('--headless');
  for (const attribute of SEARCH_ATTRIBUTE_FLAGS) args.push('--search-attribute', attribute);
  args.push('--dynamic-config-value', 'frontend.enableServerVersionCheck=false');
  for (const [key, value] of Object.entries({ ...DEV_SERVER_DYNAMIC_CONFIG, ...options.dynamicConfig })) {
    args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);
  }

  const child = spawn(temporalCliPath(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  if (options.logStream) {
    child.stdout?.pipe(options.logStream, { end: false });
    child.stderr?.pipe(options.logStream, { end: false });
  } else {
    child.stdout?.resume();
    child.stderr?.resume();
  }
  const address = `127.0.0.1:${port}`;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  await waitForFrontend(address, namespace, options.startTimeoutMs ?? 60_000, exited);
  return {
    address,
    uiUrl: options.uiPort ? `http://127.0.0.1:${options.uiPort}` : undefined,
    process: child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function waitForFrontend(
  address: string,
  namespace: string,
  timeoutMs: number,
  exited: Promise<number | null>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let processExit: number | null | undefined;
  void exited.then((code) => (processExit = code));
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (processExit !== undefined) throw new Error(`temporal server start-dev exited with code ${processExit}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 2_000 });
      try {
        // Connected is not ready: the namespace must exist before workers can poll it.
        await connection.workflowService.describeNamespace({ namespace });
        return;
      } finally {
        await connection.close();
      }
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  throw new Error(`Temporal dev server at ${address} did not answer within ${timeoutMs} ms: ${String(lastError)}`);
}

export interface ReservedPort {
  port: number;
  /** Frees the port for its real listener; safe to call more than once. */
  release(): Promise<void>;
}

/**
 * A free loopback port, held by a listening socket until `release`. Between choosing a port and
 * listening on it a process opens other sockets, and the kernel may give the same number to one of
 * them (an outgoing connection's local port); holding it until just before the listen prevents that.
 */
export function reservePort(): Promise<ReservedPort> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      let released: Promise<void> | undefined;
      const release = () => (released ??= new Promise<void>((done) => server.close(() => done())));
      resolve({ port, release });
    });
  });
}

/** A loopback port free right now, for a listener that binds it at once (a child process's). */
export async function freePort(): Promise<number> {
  const reserved = await reservePort();
  await reserved.release();
  return reserved.port;
}
