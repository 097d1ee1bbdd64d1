import fs from 'node:fs';
import path from 'node:path';
import { PostgresDialect, type Dialect } from 'kysely';
import { PGlite } from '@electric-sql/pglite';
import { PGliteDialect } from 'kysely-pglite-dialect';
import { Pool } from 'pg';
import { acquireEmbeddedLock } from './embedded-lock';

export interface OpenedDialect {
  dialect: Dialect;
  /** Runs after kysely has closed the connections. */
  release(): void;
}

export function createPostgresDialect(databaseUrl: string, onPoolError: (error: Error) => void): OpenedDialect {
  const pool = new Pool({ connectionString: databaseUrl, max: 10 });
  // An idle client dropped by the server emits here; unhandled, it would end the process.
  pool.on('error', onPoolError);
  return { dialect: new PostgresDialect({ pool }), release: () => undefined };
}

/** PGlite keeps its files under `<dataDir>/pglite`; `memory` keeps nothing on disk. */
export async function createEmbeddedDialect(dataDir: string | 'memory'): Promise<OpenedDialect> {
  if (dataDir === 'memory') {
    const pglite = await PGlite.create();
    return { dialect: new PGliteDialect(pglite), release: () => undefined };
  }
  const directory = path.join(dataDir, 'pglite');
  fs.mkdirSync(directory, { recursive: true });
  const releaseLock = acquireEmbeddedLock(`${directory}.lock`);
  try {
    const pglite = await PGlite.create(directory);
    return { dialect: new PGliteDialect(pglite), release: releaseLock };
  } catch (error) {
    releaseLock();
    throw error;
  }
}
