import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PGlite } from '@electric-sql/pglite';
import { Client, type ClientConfig } from 'pg';
import { servePglite, type PgliteServer } from './pglite-server';

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

/** `<dataDir>/pglite.server.json`: where the owner serves, from when it serves until it closes. */
export interface EmbeddedAddress {
  pid: number;
  port: number;
}

const RETRY_MS = 100;

/**
 * PGlite is one process's memory over files: two processes opening `<dataDir>/pglite` would
 * corrupt it. The first process to create `<dataDir>/pglite.lock` (holding its pid) opens PGlite
 * and serves it on a loopback port it records in `<dataDir>/pglite.server.json`; every process,
 * the owner included, then uses it as plain PostgreSQL. A later process waits while the owner is
 * still opening, and becomes the owner when the one named in the lock has died.
 */
export async function openEmbedded(dataDir: string, ownerWaitMs: number): Promise<EmbeddedDatabase> {
  const directory = path.join(dataDir, 'pglite');
  fs.mkdirSync(directory, { recursive: true });
  const files = { lock: `${directory}.lock`, address: `${directory}.server.json` };
  const deadline = Date.now() + ownerWaitMs;
  let lastRefusal: unknown;
  for (;;) {
    const holder = claim(files.lock);
    if (holder === undefined) return openAsOwner(directory, files);
    const address = readAddress(files.address);
    // A file naming another pid was left by an owner that died; this holder has not published yet.
    if (address?.pid === holder) {
      const url = addressUrl(address);
      try {
        await probe(url);
        return {
          role: { role: 'client', ownerPid: holder, url },
          Client: followingClient(files.address, address),
          close: async () => undefined,
        };
      } catch (error) {
        // The owner is closing, or has not begun to listen: the lock says which, next time round.
        lastRefusal = error;
      }
    }
    if (Date.now() >= deadline) {
      const why = lastRefusal === undefined ? 'has not shared it' : `refused connections (${describe(lastRefusal)})`;
      throw new Error(
        `The embedded database at ${directory} is in use by process ${holder}, which ${why} ` +
          `within ${ownerWaitMs} ms. Stop that process, or set DATABASE_URL to share a PostgreSQL server.`,
      );
    }
    await sleep(RETRY_MS);
  }
}

async function openAsOwner(directory: string, files: { lock: string; address: string }): Promise<EmbeddedDatabase> {
  let pglite: PGlite | undefined;
  let server: PgliteServer;
  try {
    pglite = await PGlite.create(directory);
    server = await servePglite(pglite);
  } catch (error) {
    await pglite?.close().catch(() => undefined);
    release(files.lock);
    throw error;
  }
  const address = { pid: process.pid, port: server.port };
  writeWhole(files.address, `${JSON.stringify(address)}\n`);
  const opened = pglite;
  return {
    role: { role: 'owner', url: addressUrl(address) },
    Client: followingClient(files.address, address),
    close: async () => {
      try {
        // The address goes first, so no process starts connecting to a server about to stop;
        // the lock stays until PGlite is closed, so no process opens it meanwhile.
        if (readAddress(files.address)?.pid === process.pid) fs.rmSync(files.address, { force: true });
        await server.close();
        await opened.close();
      } finally {
        release(files.lock);
      }
    },
  };
}

/** Undefined once this process holds the lock; otherwise the pid of the live process that does. */
function claim(lock: string): number | undefined {
  for (let tries = 0; tries < 3; tries += 1) {
    if (createExclusively(lock, String(process.pid))) return undefined;
    const holder = readPid(lock);
    if (holder !== undefined && isAlive(holder)) return holder;
    removeStale(lock, holder);
  }
  throw new Error(`Could not take the embedded database lock ${lock}: other processes keep starting on it`);
}

/** Written whole and then linked into place, so a reader never sees half a lock. */
function createExclusively(file: string, content: string): boolean {
  const partial = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(partial, content);
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

function writeWhole(file: string, content: string): void {
  const partial = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(partial, content);
  fs.renameSync(partial, file);
}

/**
 * Moved aside before it is deleted: when two processes find the same dead owner, the second
 * would otherwise delete the lock the first has just taken in its place.
 */
function removeStale(lock: string, stalePid: number | undefined): void {
  const aside = `${lock}.${process.pid}.stale`;
  try {
    fs.renameSync(lock, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const moved = readPid(aside);
  if (moved !== undefined && moved !== stalePid) {
    try {
      fs.linkSync(aside, lock);
    } catch {
      // A third process has taken the lock meanwhile: that claim stands.
    }
  }
  fs.rmSync(aside, { force: true });
}

/** Only our own lock: a process that took over after us must keep its claim. */
function release(lock: string): void {
  if (readPid(lock) === process.pid) fs.rmSync(lock, { force: true });
}

function readPid(lock: string): number | undefined {
  try {
    const pid = Number.parseInt(fs.readFileSync(lock, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function readAddress(file: string): EmbeddedAddress | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { pid, port } = parsed as Record<string, unknown>;
  if (!Number.isInteger(pid) || !Number.isInteger(port)) return undefined;
  return { pid: pid as number, port: port as number };
}

function addressUrl(address: EmbeddedAddress): string {
  return `postgres://postgres@127.0.0.1:${address.port}/postgres`;
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
 * connections read the address file, so this process carries on with the new owner once its
 * connections to the old one have failed.
 */
function followingClient(addressFile: string, first: EmbeddedAddress): typeof Client {
  let current = first;
  return class FollowingClient extends Client {
    constructor(config?: string | ClientConfig) {
      current = readAddress(addressFile) ?? current;
      super({ ...(typeof config === 'string' ? {} : config), connectionString: addressUrl(current) });
    }
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
