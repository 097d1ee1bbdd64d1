import { Kysely } from 'kysely';
import { createEmbeddedDialect, createPostgresDialect, type OpenedDialect } from './dialects';
import type { EmbeddedRole } from './embedded-sharing';
import { migrateToLatest } from './migrate';
import type { DatabaseSchema } from './schema';

export type { EmbeddedRole } from './embedded-sharing';

/** A `dataDir` of this value keeps the embedded database in memory (tests, throwaway runs). */
export const IN_MEMORY = ':memory:';

/** Which SQL the database speaks; a process sharing another's embedded database says 'pglite'. */
export type DialectName = 'postgres' | 'pglite';

// PGlite's first open of a new directory (initdb) plus the migrations can take half a minute on a
// busy machine; a later process waits that out rather than failing.
const DEFAULT_OWNER_WAIT_MS = 60_000;

export interface OpenDatabaseOptions {
  /** PostgreSQL through `pg` when set; otherwise the embedded database under `dataDir`. */
  databaseUrl?: string;
  dataDir: string;
  /** Errors of idle PostgreSQL connections; the pool replaces them. Default: written to stderr. */
  onPoolError?: (error: Error) => void;
  /**
   * How long to wait for the process that holds the embedded database to start sharing it
   * (it may still be opening or migrating). Default 60 s.
   */
  embeddedOwnerWaitMs?: number;
}

export interface Db {
  kysely: Kysely<DatabaseSchema>;
  dialect: DialectName;
  /** Names of the migrations this open applied; empty when the schema was already current. */
  appliedMigrations: string[];
  /** For the embedded database on disk: whether this process owns it or reaches it through its owner. */
  embedded?: EmbeddedRole;
  close(): Promise<void>;
}

/** Opens the database the environment names and brings its schema up to date. */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Db> {
  const dialect: DialectName = options.databaseUrl ? 'postgres' : 'pglite';
  const onPoolError = options.onPoolError ?? reportPoolError;
  const opened: OpenedDialect = options.databaseUrl
    ? createPostgresDialect(options.databaseUrl, { onPoolError })
    : await createEmbeddedDialect(options.dataDir === IN_MEMORY ? 'memory' : options.dataDir, {
        ownerWaitMs: options.embeddedOwnerWaitMs ?? DEFAULT_OWNER_WAIT_MS,
        onPoolError,
      });
  const kysely = new Kysely<DatabaseSchema>({ dialect: opened.dialect });
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    try {
      await kysely.destroy();
    } finally {
      await opened.release();
    }
  };
  try {
    // A process sharing the embedded database runs them too: they find the schema current, and
    // if its code is newer than the owner's, kysely's migration lock and the shared session
    // apply each one once.
    const appliedMigrations = await migrateToLatest(kysely);
    const embedded = await opened.start?.();
    return { kysely, dialect, appliedMigrations, embedded, close };
  } catch (error) {
    await close();
    throw error;
  }
}

function reportPoolError(error: Error): void {
  process.stderr.write(`database: idle connection error: ${error.message}\n`);
}
