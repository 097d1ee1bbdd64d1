import { Migrator, type Kysely } from 'kysely';
import { migrationProvider } from './migrations';
import type { DatabaseSchema } from './schema';

/**
 * Brings the schema up to date and returns the names of the migrations it applied (none when
 * already current). Kysely takes an advisory lock, so a worker and a web server starting
 * together against one PostgreSQL apply each migration once.
 */
export async function migrateToLatest(db: Kysely<DatabaseSchema>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results = [] } = await migrator.migrateToLatest();
  const failed = results.find((result) => result.status === 'Error');
  if (error !== undefined || failed !== undefined) {
    const which = failed ? `migration ${failed.migrationName} failed` : 'migrating failed';
    throw new Error(`Database ${which}: ${describeError(error)}`, { cause: error });
  }
  return results.filter((result) => result.status === 'Success').map((result) => result.migrationName);
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
