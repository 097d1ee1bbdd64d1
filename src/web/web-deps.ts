import type { Client } from '@temporalio/client';
import type { Db } from '../db/database';

/** What the routes need from the world; main wires the real ones, tests their own. */
export interface WebDeps {
  db: Db;
  temporal: Client;
  /** Where regeneration rounds started by the API run. */
  taskQueue: string;
  /** AppConfig.decisionHoldMs; DEFAULT_DECISION_HOLD_MS when absent. */
  decisionHoldMs?: number;
}
