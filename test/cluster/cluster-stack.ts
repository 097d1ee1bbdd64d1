import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../../src/config';
import { startProductionStack, type ProductionStack, type ProductionStackOptions } from '../../src/stack/production-stack';
import type { TemporalDatabases } from '../../src/temporal/production-server';
import { temporalCliPath } from '../../src/temporal/temporal-cli';
import { TEST_SERVER_URL } from '../db/test-databases';
import { withPostgresServer } from '../helpers/postgres-server';

const run = promisify(execFile);

/**
 * Temporal's two databases for one test file that starts the production server itself, on the
 * test PostgreSQL under a prefix of their own, and how to drop them when it is done.
 */
export function clusterTemporalDatabases(): { databases: TemporalDatabases; drop(): Promise<void> } {
  const server = new URL(TEST_SERVER_URL);
  const prefix = `cluster_${randomBytes(4).toString('hex')}_`;
  const names = { temporal: `${prefix}temporal`, visibility: `${prefix}temporal_visibility` };
  const databases: TemporalDatabases = {
    host: server.hostname,
    port: Number(server.port || 5432),
    user: decodeURIComponent(server.username || 'postgres'),
    password: server.password ? decodeURIComponent(server.password) : undefined,
    names,
  };
  const drop = () =>
    withPostgresServer(TEST_SERVER_URL, 'The cluster tests need', async (client) => {
      for (const name of Object.values(names)) await client.query(`drop database if exists "${name}" with (force)`);
    });
  return { databases, drop };
}

export interface ClusterStack {
  stack: ProductionStack;
  client: Client;
  /** The real `temporal` CLI against this stack's server, its JSON output parsed: one element per document. */
  cli(args: string[]): Promise<unknown[]>;
  /** Stops the stack, drops its three databases, removes its files. */
  close(): Promise<void>;
}

/**
 * The production stack (src/stack/production-stack.ts, what `npm run stack:prod` starts) for one
 * test file: its own databases on the test PostgreSQL, its own folder, free ports. Needs
 * `npm run build` first (pretest:cluster runs it).
 */
export async function startClusterStack(options: Partial<ProductionStackOptions> = {}): Promise<ClusterStack> {
  const server = new URL(TEST_SERVER_URL);
  const prefix = `cluster_${randomBytes(4).toString('hex')}_`;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cluster-stack-'));
  const postgres = {
    host: server.hostname,
    port: Number(server.port || 5432),
    user: decodeURIComponent(server.username || 'postgres'),
    password: server.password ? decodeURIComponent(server.password) : undefined,
  };
  const drop = async (): Promise<void> => {
    await withPostgresServer(TEST_SERVER_URL, 'The cluster tests need', async (client) => {
      for (const name of ['temporal', 'temporal_visibility', 'scene_regeneration']) {
        await client.query(`drop database if exists "${prefix}${name}" with (force)`);
      }
    });
    rmSync(dataDir, { recursive: true, force: true });
  };
  let stack: ProductionStack;
  try {
    stack = await startProductionStack({
      postgres,
      databasePrefix: prefix,
      dataDir,
      env: { ...process.env, SIM_LATENCY_MS: '200', ANTHROPIC_API_KEY: '', PIAPI_API_KEY: '', RUNWAYML_API_SECRET: '', FAL_KEY: '' },
      ...options,
    });
  } catch (error) {
    await drop();
    throw error;
  }
  // Connected as the stack's own processes connect (their environment, through loadConfig).
  const connection = await Connection.connect(loadConfig(stack.productEnv).temporal.connection);
  return {
    stack,
    client: new Client({ connection }),
    async cli(args) {
      const { stdout } = await run(temporalCliPath(), [...args, '--address', stack.temporalAddress, '--output', 'json'], {
        encoding: 'utf8',
        env: { ...process.env, ...stack.productEnv },
      });
      const text = stdout.trim();
      if (text === '') return [];
      try {
        const parsed = JSON.parse(text) as unknown;
        return Array.isArray(parsed) ? parsed : [parsed];
      } catch {
        // `workflow list` prints one JSON document per line.
        return text.split('\n').map((line) => JSON.parse(line) as unknown);
      }
    },
    async close() {
      await connection.close();
      await stack.stop();
      await drop();
    },
  };
}
