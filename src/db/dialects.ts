import { PostgresDialect, type Dialect } from 'kysely';
import { PGlite } from '@electric-sql/pglite';
import { PGliteDialect } from 'kysely-pglite-dialect';
import { Pool } from 'pg';
import { openSharedEmbedded, type EmbeddedRole } from './embedded-sharing';

export interface OpenedDialect {
  dialect: Dialect;
  /**
   * Runs once the schema is current. The embedded database's owner starts serving the other
   * processes only then, so none of them ever sees a half-migrated schema.
   */
  start?(): Promise<EmbeddedRole>;
  /** Runs after kysely has closed the connections. */
  release(): Promise<void>;
}

export interface PostgresDialectOptions {
  onPoolError: (error: Error) => void;
  /** Connections the pool keeps at most. */
  max?: number;
}

export function createPostgresDialect(databaseUrl: string, options: PostgresDialectOptions): OpenedDialect {
  const pool = new Pool({ connectionString: databaseUrl, max: options.max ?? 10 });
  // An idle client dropped by the server emits here; unhandled, it would end the process.
  pool.on('error', options.onPoolError);
  return { dialect: new PostgresDialect({ pool }), release: async () => undefined };
}

export interface EmbeddedDialectOptions {
  /** How long to wait for a live owner of the database to start sharing it. */
  ownerWaitMs: number;
  onPoolError: (error: Error) => void;
}

/**
 * PGlite keeps its files under `<dataDir>/pglite`; `memory` keeps nothing on disk and is this
 * process's alone. On disk, the first process opens PGlite and shares it; later ones connect.
 */
export async function createEmbeddedDialect(
  dataDir: string | 'memory',
  options: EmbeddedDialectOptions,
): Promise<OpenedDialect> {
  if (dataDir === 'memory') {
    const pglite = await PGlite.create();
    return { dialect: new PGliteDialect(pglite), release: async () => undefined };
  }
  return openSharedEmbedded(dataDir, options);
}
