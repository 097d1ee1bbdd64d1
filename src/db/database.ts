import { Kysely } from 'kysely';
import { createEmbeddedDialect, createPostgresDialect, type OpenedDialect } from './dialects';
import { migrateToLatest } from './migrate';
import type { DatabaseSchema } from './schema';

/** A `dataDir` of this value keeps the embedded database in memory (tests, throwaway runs). */
export const IN_MEMORY = ':memory:';

export type DialectName = 'postgres' | 'pglite';

export interface OpenDatabaseOptions {
  /** PostgreSQL through `pg` when set; otherwise the embedded database under `dataDir`. */
  databaseUrl?: string;
  dataDir: string;
  /** Errors of idle PostgreSQL connections; the pool replaces them. Default: written to stderr. */
  onPoolError?: (error: Error) => void;
}

export interface Db {
  kysely: Kysely<DatabaseSchema>;
  dialect: DialectName;
  /** Names of the migrations this open applied; empty when the schema was already current. */
  appliedMigrations: string[];
  close(): Promise<void>;
}

/** Opens the database the environment names and brings its schema up to date. */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Db> {
  const dialect: DialectName = options.databaseUrl ? 'postgres' : 'pglite';
  const opened: OpenedDialect = options.databaseUrl
    ? createPostgresDialect(options.databaseUrl, options.onPoolError ?? reportPoolError)
    : await createEmbeddedDialect(options.dataDir === IN_MEMORY ? 'memory' : options.dataDir);
  const kysely = new Kysely<DatabaseSchema>({ dialect: opened.dialect });
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    try {
      await kysely.destroy();
    } finally {
      opened.release();
    }
  };
  try {
    const appliedMigrations = await migrateToLatest(kysely);
    return { kysely, dialect, appliedMigrations, close };
  } catch (error) {
    await close();
    throw error;
  }
}

function reportPoolError(error: Error): void {
  process.stderr.write(`database: idle connection error: ${error.message}\n`);
}
