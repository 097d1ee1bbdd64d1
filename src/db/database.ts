import { Kysely, PostgresDialect, type Dialect } from 'kysely';
import { PGlite } from '@electric-sql/pglite';
import { PGliteDialect } from 'kysely-pglite-dialect';
import { Pool, type PoolConfig } from 'pg';
import { openEmbedded, type EmbeddedDatabase, type EmbeddedRole } from './embedded';
import { migrateToLatest } from './migrate';
import type { DatabaseSchema } from './schema';

export type { EmbeddedRole } from './embedded';

/** A `dataDir` of this value keeps the embedded database in memory (tests, throwaway runs). */
export const IN_MEMORY = ':memory:';

/** Which SQL the database speaks; every process on the embedded database says 'pglite'. */
export type DialectName = 'postgres' | 'pglite';

// PGlite's first open of a new directory (initdb) can take half a minute on a busy machine; a
// later process waits that out rather than failing.
const DEFAULT_OWNER_WAIT_MS = 60_000;

/**
 * PGlite runs every connection's statements on its one session, one statement or transaction at
 * a time, so a bigger pool would only queue at the owner instead of here. A few let this
 * process's queries wait there in order with the other processes' rather than for a connection.
 */
const EMBEDDED_POOL_MAX = 4;

export interface OpenDatabaseOptions {
  /** PostgreSQL through `pg` when set; otherwise the embedded database under `dataDir`. */
  databaseUrl?: string;
  dataDir: string;
  /** Errors of idle PostgreSQL connections; the pool replaces them. Default: written to stderr. */
  onPoolError?: (error: Error) => void;
  /**
   * How long to wait for the process that holds the embedded database to start serving it (it
   * may still be opening it). Default 60 s.
   */
  embeddedOwnerWaitMs?: number;
}

export interface Db {
  kysely: Kysely<DatabaseSchema>;
  dialect: DialectName;
  /** Names of the migrations this open applied; empty when the schema was already current. */
  appliedMigrations: string[];
  /** For the embedded database on disk: whether this process serves it or reaches its owner. */
  embedded?: EmbeddedRole;
  close(): Promise<void>;
}

/**
 * Opens the database the environment names and brings its schema up to date. The embedded
 * database on disk is served over the PostgreSQL protocol by whichever process opened it first,
 * so every process, that one included, queries it through `pg` as it would PostgreSQL.
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Db> {
  const onPoolError = options.onPoolError ?? reportPoolError;
  let embedded: EmbeddedDatabase | undefined;
  let dialect: Dialect;
  if (options.databaseUrl) {
    dialect = postgresDialect({ connectionString: options.databaseUrl, max: 10 }, onPoolError);
  } else if (options.dataDir === IN_MEMORY) {
    // This process's alone: no other process can reach it, so nothing is served.
    dialect = new PGliteDialect(await PGlite.create());
  } else {
    embedded = await openEmbedded(options.dataDir, options.embeddedOwnerWaitMs ?? DEFAULT_OWNER_WAIT_MS);
    dialect = postgresDialect({ Client: embedded.Client, max: EMBEDDED_POOL_MAX }, onPoolError);
  }
  const kysely = new Kysely<DatabaseSchema>({ dialect });
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    try {
      await kysely.destroy();
    } finally {
      await embedded?.close();
    }
  };
  try {
    // Every process runs them: kysely's migration lock (and, embedded, the one session) applies
    // each once, and the others find the schema current.
    const appliedMigrations = await migrateToLatest(kysely);
    const dialectName: DialectName = options.databaseUrl ? 'postgres' : 'pglite';
    return { kysely, dialect: dialectName, appliedMigrations, embedded: embedded?.role, close };
  } catch (error) {
    await close();
    throw error;
  }
}

function postgresDialect(config: PoolConfig, onPoolError: (error: Error) => void): Dialect {
  const pool = new Pool(config);
  // An idle client dropped by the server emits here; unhandled, it would end the process.
  pool.on('error', onPoolError);
  // A client dropped while checked out (in a transaction, or mid-query) emits on itself, where
  // the pool listens only while it is idle. The query fails with the error, and the pool
  // discards the client when it comes back.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return new PostgresDialect({ pool });
}

function reportPoolError(error: Error): void {
  process.stderr.write(`database: idle connection error: ${error.message}\n`);
}
