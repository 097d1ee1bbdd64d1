import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SimulatorOptions } from '../../src/sim/server';
import { startStack, type Stack } from '../../src/stack/start-stack';
import { testDatabase } from '../db/test-databases';
import { testServer } from './temporal';

export interface E2eStack {
  stack: Stack;
  stop(): Promise<void>;
}

/**
 * The whole product in this process on the shared test Temporal server and PostgreSQL, with the
 * simulator, its own task queue and a scratch data directory that `stop` removes.
 */
export async function startE2eStack(options: {
  name: string;
  env?: Record<string, string>;
  simulatorOptions?: SimulatorOptions;
}): Promise<E2eStack> {
  const [server, database] = await Promise.all([testServer(), testDatabase('postgres')]);
  // Provider places are shared through the database: a stack stopped with generations in flight
  // leaves places that would hold this stack's (own simulator's) limits until they lapse.
  await database.db.kysely.deleteFrom('provider_leases').execute();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `${options.name}-`));
  try {
    const stack = await startStack({
      env: { ...process.env, DATABASE_URL: database.databaseUrl, ...options.env },
      dataDir,
      temporalAddress: server.address,
      simulator: 'always',
      simulatorOptions: options.simulatorOptions,
      webPort: 0,
      taskQueue: `${options.name}-${randomUUID()}`,
    });
    return {
      stack,
      async stop() {
        await stack.stop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}
