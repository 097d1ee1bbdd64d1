import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import type { Client } from 'pg';
import { withPostgresServer } from '../helpers/postgres-server';
import { IN_MEMORY, openDatabase, type Db, type DialectName } from '../../src/db/database';

/** Every database test runs once per dialect, one `describe` per database. */
export const DIALECTS: readonly DialectName[] = ['postgres', 'pglite'];

/** The server's maintenance URL; each test run creates and drops a database of its own on it. */
export const TEST_SERVER_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const DATABASE_PREFIX = 'scene_regen_test_';

interface TestDatabase {
  db: Db;
  /** The URL of this run's own PostgreSQL database; absent for the embedded one. */
  databaseUrl?: string;
  drop(): Promise<void>;
}

// Opening PGlite takes seconds and creating a database a moment, so each dialect is opened
// once per mocha run and shared by every file; tests empty the tables instead.
const opened = new Map<DialectName, Promise<TestDatabase>>();

export function testDatabase(dialect: DialectName): Promise<TestDatabase> {
  let database = opened.get(dialect);
  if (database === undefined) {
    database = dialect === 'postgres' ? createPostgresTestDatabase() : openPgliteTestDatabase();
    opened.set(dialect, database);
  }
  return database;
}

// Registered while mocha loads the first file that imports this module: a root-level hook, so
// the shared databases close after the last file, not after the first.
after(async function () {
  this.timeout(30_000);
  const all = await Promise.allSettled([...opened.values()]);
  opened.clear();
  for (const result of all) {
    if (result.status === 'fulfilled') await result.value.drop();
  }
});

/** Declares `describe(<title> (<dialect>))` for each dialect with a fresh, empty database per test. */
export interface DatabaseTestContext {
  dialect: DialectName;
  db: () => Db;
  /** The URL of this run's own PostgreSQL database; undefined for the embedded one. */
  databaseUrl: () => string | undefined;
}

export function describeEachDatabase(title: string, body: (context: DatabaseTestContext) => void): void {
  for (const dialect of DIALECTS) {
    describe(`${title} (${dialect})`, function () {
      let database: TestDatabase | undefined;
      before(async function () {
        this.timeout(30_000);
        database = await testDatabase(dialect);
      });
      beforeEach(async () => {
        await emptyTables(current().db);
      });
      const current = (): TestDatabase => {
        if (database === undefined) throw new Error(`The ${dialect} test database is not open`);
        return database;
      };
      body({ dialect, db: () => current().db, databaseUrl: () => current().databaseUrl });
    });
  }
}

export async function emptyTables(db: Db): Promise<void> {
  await sql`truncate review_queue, regeneration_attempts, scenes, projects, provider_leases, provider_submissions, provider_health, provider_outcomes, budget_reservations, notification_deliveries restart identity cascade`.execute(
    db.kysely,
  );
}

async function openPgliteTestDatabase(): Promise<TestDatabase> {
  const db = await openDatabase({ dataDir: IN_MEMORY });
  return { db, drop: () => db.close() };
}

async function createPostgresTestDatabase(): Promise<TestDatabase> {
  const name = `${DATABASE_PREFIX}${process.pid}_${randomBytes(4).toString('hex')}`;
  await withServer(async (client) => {
    await dropAbandonedDatabases(client);
    await client.query(`create database ${name}`);
  });
  const databaseUrl = withDatabaseName(TEST_SERVER_URL, name);
  const db = await openDatabase({ databaseUrl, dataDir: IN_MEMORY });
  return {
    db,
    databaseUrl,
    drop: async () => {
      await db.close();
      await withServer((client) => client.query(`drop database if exists ${name} with (force)`));
    },
  };
}

/** Databases left by a run that crashed before its `after` hook: its process is gone. */
async function dropAbandonedDatabases(client: Client): Promise<void> {
  const { rows } = await client.query<{ datname: string }>(
    'select datname from pg_database where starts_with(datname, $1)',
    [DATABASE_PREFIX],
  );
  for (const { datname } of rows) {
    const pid = Number.parseInt(datname.slice(DATABASE_PREFIX.length), 10);
    if (Number.isInteger(pid) && !processExists(pid)) {
      await client.query(`drop database if exists ${datname} with (force)`);
    }
  }
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function withServer<T>(work: (client: Client) => Promise<T>): Promise<T> {
  return withPostgresServer(TEST_SERVER_URL, 'Database tests need (set TEST_DATABASE_URL)', work);
}

function withDatabaseName(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Two pools on one database, as two workers on two hosts would have: a second pool on this run's
 * PostgreSQL database, or for the embedded database an owner and a client on one directory
 * (both reach PGlite through its PostgreSQL-protocol server, as separate processes do).
 */
export async function openTwoPools(context: DatabaseTestContext): Promise<{ pools: [Db, Db]; close(): Promise<void> }> {
  if (context.dialect === 'postgres') {
    const url = context.databaseUrl();
    assert.ok(url);
    const second = await openDatabase({ databaseUrl: url, dataDir: 'unused' });
    return { pools: [context.db(), second], close: () => second.close() };
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scene-regen-pools-'));
  const owner = await openDatabase({ dataDir });
  const client = await openDatabase({ dataDir });
  assert.deepEqual([owner.embedded?.role, client.embedded?.role], ['owner', 'client']);
  return {
    pools: [owner, client],
    async close() {
      await client.close();
      await owner.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
