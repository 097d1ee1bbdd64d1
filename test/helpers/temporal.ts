import { TestWorkflowEnvironment } from '@temporalio/testing';
import { startDevServer, type DevServer } from '../../src/temporal/dev-server';

let server: Promise<DevServer> | undefined;
let env: Promise<TestWorkflowEnvironment> | undefined;

/**
 * One real Temporal dev server for the whole mocha run, started on first use so suites that
 * need no server pay nothing. Stopped by the root hook.
 */
export function testEnv(): Promise<TestWorkflowEnvironment> {
  server ??= startDevServer({ startTimeoutMs: 120_000 });
  env ??= server.then((s) => TestWorkflowEnvironment.createFromExistingServer({ address: s.address }));
  return env;
}

export async function testServer(): Promise<DevServer> {
  await testEnv();
  return server!;
}

export async function stopTestServer(): Promise<void> {
  if (env) await (await env).teardown();
  if (server) await (await server).stop();
  env = undefined;
  server = undefined;
}
