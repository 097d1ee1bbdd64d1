import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PGlite } from '@electric-sql/pglite';
import { Client, type ClientConfig } from 'pg';
import { servePglite } from './pglite-server';

/** How this process reaches the embedded database on disk. */
export type EmbeddedRole =
  /** Opened PGlite itself and serves it, to the other processes and to itself, at `url`. */
  | { role: 'owner'; url: string }
  /**
   * Reaches it through process `ownerPid` (the owner at open). Its queries fail while no process
   * owns the database, and reach the next owner once one serves it.
   */
  | { role: 'client'; ownerPid: number; url: string };

export interface EmbeddedDatabase {
  role: EmbeddedRole;
  /** For the pg pool: each new connection goes wherever the database is served now. */
  Client: typeof Client;
  /** The owner stops serving and closes PGlite; run it once the pool has ended. */
  close(): Promise<void>;
}

/**
 * `<dataDir>/pglite.owner.json`: the owner's pid from the moment it claims the database, and its
 * URL while it serves it.
 */
interface OwnerRecord {
  pid: number;
  url?: string;
}

const RETRY_MS = 100;

/**
 * PGlite is one process's memory over files: two processes opening `<dataDir>/pglite` would
 * corrupt it. The first process to claim it (by creating the owner file) opens PGlite and serves
 * it on a loopback port, whose URL it adds to the file; every process, the owner included, then
 * uses it as plain PostgreSQL. A later process waits while the owner is still opening, and
 * becomes the owner when the one named in the file has died.
 */
export async function openEmbedded(dataDir: string, ownerWaitMs: number): Promise<EmbeddedDatabase> {
  const directory = path.join(dataDir, 'pglite');
  fs.mkdirSync(directory, { recursive: true });
  const ownerFile = `${directory}.owner.json`;
  const deadline = Date.now() + ownerWaitMs;
  let lastRefusal: unknown;
  for (;;) {
    const holder = claim(ownerFile);
    if (holder === undefined) return openAsOwner(directory, ownerFile);
    if (holder.url !== undefined) {
      try {
        await probe(holder.url);
        return {
          role: { role: 'client', ownerPid: holder.pid, url: holder.url },
          Client: followingClient(ownerFile, holder.url),
          close: async () => undefined,
        };
      } catch (error) {
        // The owner is closing: the file says so, next time round.
        lastRefusal = error;
      }
    }
    if (Date.now() >= deadline) {
      const why = lastRefusal === undefined ? 'has not shared it' : `refused connections (${describe(lastRefusal)})`;
      throw new Error(
        `The embedded database at ${directory} is in use by process ${holder.pid}, which ${why} ` +
          `within ${ownerWaitMs} ms. Stop that process, or set DATABASE_URL to share a PostgreSQL server.`,
      );
    }
    await sleep(RETRY_MS);
  }
}

async function openAsOwner(directory: string, ownerFile: string): Promise<EmbeddedDatabase> {
  let pglite: PGlite | undefined;
  let server: Awaited<ReturnType<typeof servePglite>>;
  try {
    pglite = await PGlite.create(directory);
    server = await servePglite(pglite);
  } catch (error) {
    await pglite?.close().catch(() => undefined);
    release(ownerFile);
    throw error;
  }
  const url = `postgres://postgres@127.0.0.1:${server.port}/postgres`;
  replace(ownerFile, { pid: process.pid, url });
  const opened = pglite;
  return {
    role: { role: 'owner', url },
    Client: followingClient(ownerFile, url),
    close: async () => {
      try {
        // The URL goes first, so no process starts connecting to a server about to stop; the
        // claim stays until PGlite is closed, so no process opens it meanwhile.
        replace(ownerFile, { pid: process.pid });
        await server.close();
        await opened.close();
      } finally {
        release(ownerFile);
      }
    },
  };
}

/** Undefined once this process holds the claim; otherwise the live process that does. */
function claim(ownerFile: string): OwnerRecord | undefined {
  for (let tries = 0; tries < 3; tries += 1) {
    if (createExclusively(ownerFile, { pid: process.pid })) return undefined;
    const holder = readOwner(ownerFile);
    if (holder !== undefined && isAlive(holder.pid)) return holder;
    removeStale(ownerFile, holder);
  }
  throw new Error(`Could not claim the embedded database (${ownerFile}): other processes keep starting on it`);
}

/** Written whole and linked into place, so a reader never sees half a claim. */
function createExclusively(file: string, record: OwnerRecord): boolean {
  const partial = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(partial, `${JSON.stringify(record)}\n`);
  try {
    fs.linkSync(partial, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    fs.rmSync(partial, { force: true });
  }
}

function replace(file: string, record: OwnerRecord): void {
  const partial = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(partial, `${JSON.stringify(record)}\n`);
  fs.renameSync(partial, file);
}

/**
 * Moved aside before it is deleted: when two processes find the same dead owner, the second
 * would otherwise delete the claim the first has just made in its place.
 */
function removeStale(ownerFile: string, stale: OwnerRecord | undefined): void {
  const aside = `${ownerFile}.${process.pid}.stale`;
  try {
    fs.renameSync(ownerFile, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const moved = readOwner(aside);
  if (moved !== undefined && moved.pid !== stale?.pid) {
    try {
      fs.linkSync(aside, ownerFile);
    } catch {
      // A third process has claimed it meanwhile: that claim stands.
    }
  }
  fs.rmSync(aside, { force: true });
}

/** Only our own claim: a process that took over after us must keep its own. */
function release(ownerFile: string): void {
  if (readOwner(ownerFile)?.pid === process.pid) fs.rmSync(ownerFile, { force: true });
}

export function readOwner(file: string): OwnerRecord | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { pid, url } = parsed as Record<string, unknown>;
  if (!Number.isInteger(pid) || (pid as number) <= 0) return undefined;
  return typeof url === 'string' ? { pid: pid as number, url } : { pid: pid as number };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function probe(url: string): Promise<void> {
  const client = new Client(url);
  client.on('error', () => undefined);
  try {
    await client.connect();
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * When the owner stops and another process takes over, it serves on another port: new
 * connections read the owner file, so this process carries on with the new owner once its
 * connections to the old one have failed.
 */
function followingClient(ownerFile: string, first: string): typeof Client {
  let current = first;
  return class FollowingClient extends Client {
    constructor(config?: string | ClientConfig) {
      current = readOwner(ownerFile)?.url ?? current;
      super({ ...(typeof config === 'string' ? {} : config), connectionString: current });
    }
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
