import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PostgresDialect } from 'kysely';
import { PGlite } from '@electric-sql/pglite';
import { Client, Pool, type ClientConfig } from 'pg';
import { addressUrl, publishAddress, readAddress, withdrawAddress, type EmbeddedAddress } from './embedded-address';
import { tryAcquireEmbeddedLock } from './embedded-lock';
import { serveEmbedded, type EmbeddedServer } from './embedded-server';
import { gatedPgliteDialect } from './gated-dialect';
import { SessionGate } from './session-gate';
import { SharedSession } from './shared-session';
import type { EmbeddedDialectOptions, OpenedDialect } from './dialects';

/** How this process reaches the embedded database on disk. */
export type EmbeddedRole =
  /** Opened PGlite itself and serves it to the other processes at `url`. */
  | { role: 'owner'; url: string }
  /**
   * Reaches it through process `ownerPid` (the owner at open). Its queries fail while no process
   * owns the database, and reach the next owner once one opens it.
   */
  | { role: 'client'; ownerPid: number; url: string };

/**
 * Every connection of every process runs on PGlite's one session, one statement or transaction
 * at a time (see SharedSession), so a bigger pool would only queue at the owner instead of here.
 * A few let a client's queries wait there in order rather than for a free connection.
 */
const CLIENT_POOL_MAX = 4;
const RETRY_MS = 100;

/**
 * The first process to open `<dataDir>/pglite` owns it: it holds the lock, opens PGlite and
 * serves it on a loopback port it records in `<dataDir>/pglite.server.json`. A later process
 * connects there with the PostgreSQL driver. Until the owner has published its address (it is
 * still opening or migrating) a later process waits; when the owner is gone it becomes the owner.
 */
export async function openSharedEmbedded(dataDir: string, options: EmbeddedDialectOptions): Promise<OpenedDialect> {
  const directory = path.join(dataDir, 'pglite');
  fs.mkdirSync(directory, { recursive: true });
  const lockPath = `${directory}.lock`;
  const addressPath = `${directory}.server.json`;
  const deadline = Date.now() + options.ownerWaitMs;
  let lastRefusal: unknown;
  for (;;) {
    const lock = tryAcquireEmbeddedLock(lockPath);
    if (lock.acquired) return openAsOwner(directory, addressPath, lock.release);
    const address = readAddress(addressPath);
    // A file naming another pid was left by an owner that died; this holder has not published yet.
    if (address?.pid === lock.holder) {
      try {
        return await connectAsClient(addressPath, address, options.onPoolError);
      } catch (error) {
        // The owner is closing, or has not begun to listen: the lock says which, next time round.
        lastRefusal = error;
      }
    }
    if (Date.now() >= deadline) {
      const why = lastRefusal === undefined ? 'has not shared it' : `refused connections (${describe(lastRefusal)})`;
      throw new Error(
        `The embedded database at ${directory} is in use by process ${lock.holder}, which ${why} ` +
          `within ${options.ownerWaitMs} ms. Stop that process, or set DATABASE_URL to share a PostgreSQL server.`,
      );
    }
    await sleep(RETRY_MS);
  }
}

async function openAsOwner(directory: string, addressPath: string, releaseLock: () => void): Promise<OpenedDialect> {
  let pglite: PGlite;
  try {
    pglite = await PGlite.create(directory);
  } catch (error) {
    releaseLock();
    throw error;
  }
  const gate = new SessionGate();
  let server: EmbeddedServer | undefined;
  return {
    dialect: gatedPgliteDialect(pglite, gate),
    start: async () => {
      server = await serveEmbedded(new SharedSession(pglite, gate));
      const address = { pid: process.pid, port: server.port };
      publishAddress(addressPath, address);
      return { role: 'owner', url: addressUrl(address) };
    },
    release: async () => {
      try {
        // Withdrawn first, so no process starts connecting to a server about to stop.
        withdrawAddress(addressPath);
        await server?.close();
        await pglite.close();
      } finally {
        releaseLock();
      }
    },
  };
}

async function connectAsClient(
  addressPath: string,
  address: EmbeddedAddress,
  onPoolError: (error: Error) => void,
): Promise<OpenedDialect> {
  const pool = new Pool({
    host: '127.0.0.1',
    port: address.port,
    // PGlite answers as user postgres in database postgres whatever the client asks for.
    user: 'postgres',
    database: 'postgres',
    max: CLIENT_POOL_MAX,
    Client: clientFollowingTheOwner(addressPath, address),
  });
  pool.on('error', onPoolError);
  try {
    // Connecting proves the owner is listening; the session gate may make this wait a moment.
    await pool.query('select 1');
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
  return {
    dialect: new PostgresDialect({ pool }),
    start: async () => ({ role: 'client', ownerPid: address.pid, url: addressUrl(address) }),
    // Kysely's destroy has ended the pool.
    release: async () => undefined,
  };
}

/**
 * Each new connection goes wherever the owner serves now, not where it served at open: when the
 * owner restarts (or another process takes over after it), this process carries on with the
 * new one once its connections to the old one have failed.
 */
function clientFollowingTheOwner(addressPath: string, first: EmbeddedAddress): typeof Client {
  let current = first;
  return class FollowingClient extends Client {
    constructor(config?: string | ClientConfig) {
      current = readAddress(addressPath) ?? current;
      super({ ...(typeof config === 'string' ? {} : config), port: current.port });
    }
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
