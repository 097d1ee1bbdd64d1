import type { DatabaseConnection, Dialect, Driver, Kysely, TransactionSettings } from 'kysely';
import type { PGlite } from '@electric-sql/pglite';
import { PGliteDialect } from 'kysely-pglite-dialect';
import type { SessionGate } from './session-gate';

/**
 * The embedded owner's own kysely: PGlite in this process, but a connection holds the session
 * gate from acquire to release (kysely keeps one connection for a whole transaction), so the
 * processes sharing the database over the socket never run inside this process's transactions.
 *
 * Closing kysely leaves PGlite open: the owner stops serving the others before it closes it.
 */
export function gatedPgliteDialect(pglite: PGlite, gate: SessionGate): Dialect {
  const inner = new PGliteDialect(pglite);
  return {
    createAdapter: () => inner.createAdapter(),
    createDriver: () => new GatedDriver(inner.createDriver(), gate),
    createQueryCompiler: () => inner.createQueryCompiler(),
    createIntrospector: (db: Kysely<unknown>) => inner.createIntrospector(db),
  };
}

class GatedDriver implements Driver {
  // The gate admits one holder, so this process has at most one connection out at a time.
  private releaseGate: (() => void) | undefined;

  constructor(
    private readonly inner: Driver,
    private readonly gate: SessionGate,
  ) {}

  init(): Promise<void> {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const release = await this.gate.acquire();
    try {
      const connection = await this.inner.acquireConnection();
      this.releaseGate = release;
      return connection;
    } catch (error) {
      release();
      throw error;
    }
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const release = this.releaseGate;
    this.releaseGate = undefined;
    try {
      await this.inner.releaseConnection(connection);
    } finally {
      release?.();
    }
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.inner.beginTransaction(connection, settings);
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.commitTransaction(connection);
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.rollbackTransaction(connection);
  }

  async destroy(): Promise<void> {
    // PGlite belongs to the owner, which closes it after the socket server.
  }
}
