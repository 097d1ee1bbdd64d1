import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import type { Db } from '../../src/db/database';
import type { RegenerateSceneInput } from '../../src/domain/inputs';
import type { Simulator, SimulatorOptions } from '../../src/sim/server';
import { startStack, type Stack } from '../../src/stack/start-stack';
import { regenerateSceneWorkflow } from '../../workflows';
import { testDatabase } from '../db/test-databases';
import { testServer } from './temporal';
import { regenerationWorkflowId } from '../../src/domain/workflow-ids';

export interface FaultStack {
  stack: Stack;
  simulator: Simulator;
  /** The stack's own connection to this run's PostgreSQL test database. */
  db: Db;
  databaseUrl: string;
  start(input: RegenerateSceneInput): Promise<WorkflowHandle<typeof regenerateSceneWorkflow>>;
  stop(): Promise<void>;
}

/**
 * The whole product with every real activity (simulator, asset store, Claude client, PostgreSQL)
 * on the shared test Temporal server and a task queue of its own, so a fault test exercises the
 * same code paths as production, not fakes.
 */
export async function startFaultStack(simulatorOptions: SimulatorOptions = {}, env: NodeJS.ProcessEnv = {}): Promise<FaultStack> {
  const [server, database] = await Promise.all([testServer(), testDatabase('postgres')]);
  if (!database.databaseUrl) throw new Error('the postgres test database has no URL');
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'fault-stack-'));
  let stack: Stack;
  try {
    stack = await startStack({
      env: { ...process.env, DATABASE_URL: database.databaseUrl, REVIEW_API_TOKEN: randomUUID(), ...env },
      dataDir,
      temporalAddress: server.address,
      simulator: 'always',
      simulatorOptions: { dataDir: path.join(dataDir, 'sim-cache'), ...simulatorOptions },
      webPort: 0,
      taskQueue: `faults-${randomUUID()}`,
    });
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    stack,
    simulator: stack.simulator!,
    db: stack.db,
    databaseUrl: database.databaseUrl,
    start: (input) =>
      stack.client.workflow.start(regenerateSceneWorkflow, {
        taskQueue: stack.config.temporal.taskQueue,
        workflowId: regenerationWorkflowId(input.scene.id),
        args: [input],
      }),
    async stop() {
      await stack.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
