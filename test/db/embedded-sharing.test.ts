import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { openDatabase, type Db } from '../../src/db/database';
import { readAddress } from '../../src/db/embedded';
import { EmbeddedChild } from './support/embedded-child';

async function projectNames(db: Db): Promise<(string | null)[]> {
  const rows = await db.kysely.selectFrom('projects').select('name').orderBy('id').execute();
  return rows.map((row) => row.name);
}

describe('embedded database shared between processes', function () {
  this.timeout(120_000);
  let dataDir: string;
  let owner: Db;
  let child: EmbeddedChild;
  const addressFile = (): string => path.join(dataDir, 'pglite.server.json');
  const lockFile = (): string => path.join(dataDir, 'pglite.lock');

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scene-regen-shared-'));
    // The child's ts-node start and PGlite's first open both take seconds: overlap them.
    child = new EmbeddedChild();
    owner = await openDatabase({ dataDir });
  });
  after(async () => {
    // Whichever is the client goes first, so it never outlives its owner.
    if (owner?.embedded?.role === 'client') await owner.close();
    await child?.stop();
    await owner?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('the first process owns it and serves it on loopback at the address it records', () => {
    assert.equal(owner.dialect, 'pglite');
    const address = readAddress(addressFile());
    assert.deepEqual(address && { pid: address.pid }, { pid: process.pid });
    assert.deepEqual(owner.embedded, { role: 'owner', url: `postgres://postgres@127.0.0.1:${address!.port}/postgres` });
    assert.equal(fs.readFileSync(lockFile(), 'utf8'), String(process.pid));
  });

  it('a second process opens it without error, and each sees the rows the other writes', async () => {
    const opened = (await child.send({ op: 'open', dataDir })) as { embedded: unknown; appliedMigrations: string[] };
    assert.deepEqual(opened, { embedded: { role: 'client', ownerPid: process.pid, url: owner.embedded!.url }, appliedMigrations: [] });

    await owner.kysely.insertInto('projects').values({ id: 1, name: 'from the owner' }).execute();
    await child.send({ op: 'addProject', id: 2, name: 'from the second process' });
    assert.deepEqual(await child.send({ op: 'projectNames' }), ['from the owner', 'from the second process']);
    assert.deepEqual(await projectNames(owner), ['from the owner', 'from the second process']);
  });

  it("keeps the other process's statements out of the owner's transaction", async () => {
    let childInsert: Promise<unknown> | undefined;
    let childInsertDone = false;
    await assert.rejects(
      owner.kysely.transaction().execute(async (trx) => {
        await trx.insertInto('projects').values({ id: 3, name: 'rolled back' }).execute();
        childInsert = child.send({ op: 'addProject', id: 4, name: 'committed on its own' });
        void childInsert.then(() => (childInsertDone = true));
        await sleep(500);
        // PGlite is one session: had the insert run now, it would belong to this transaction.
        assert.equal(childInsertDone, false, 'the other process waits for the transaction to end');
        throw new Error('roll back');
      }),
      /roll back/,
    );
    await childInsert;
    assert.deepEqual(await projectNames(owner), ['from the owner', 'from the second process', 'committed on its own']);
  });

  it("runs each connection's statements whole while several connections and the owner interleave", async () => {
    const clients = [new Client(owner.embedded!.url), new Client(owner.embedded!.url)];
    await Promise.all(clients.map((client) => client.connect()));
    try {
      // Big enough that a message spans several socket reads, which is where another
      // connection's Parse could once land between this one's Parse and Bind.
      const big = 'x'.repeat(200_000);
      const work = clients.map(async (client, which) => {
        for (let round = 0; round < 15; round += 1) {
          const { rows } = await client.query<{ tag: string; size: number }>(
            `select $1::text as tag, length($2::text) as size, ${which} as which`,
            [`${which}:${round}`, big],
          );
          assert.deepEqual(rows, [{ tag: `${which}:${round}`, size: big.length, which }]);
        }
      });
      const ownerWork = (async () => {
        for (let round = 0; round < 15; round += 1) {
          const rows = await owner.kysely.selectFrom('projects').select('id').where('id', '=', 1).execute();
          assert.deepEqual(rows, [{ id: 1 }]);
        }
      })();
      await Promise.all([...work, ownerWork]);
    } finally {
      await Promise.all(clients.map((client) => client.end()));
    }
  });

  it('rolls back what a connection left open when it drops, and frees the database for the rest', async () => {
    const client = new Client(owner.embedded!.url);
    client.on('error', () => undefined);
    await client.connect();
    await client.query('begin');
    await client.query(`insert into projects (id, name) values (5, 'never committed')`);
    const closed = new Promise((resolve) => client.once('end', resolve));
    (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    await closed;
    assert.deepEqual(await projectNames(owner), ['from the owner', 'from the second process', 'committed on its own']);
  });

  it("fails the others' queries while nobody owns it, and they carry on with the next owner", async () => {
    await owner.close();
    assert.ok(!fs.existsSync(addressFile()), 'close removes the address');
    assert.ok(!fs.existsSync(lockFile()), 'close releases the lock');
    await assert.rejects(child.send({ op: 'projectNames' }));

    owner = await openDatabase({ dataDir });
    assert.equal(owner.embedded?.role, 'owner', 'the lock was free: the next open takes it');
    assert.equal((await child.send({ op: 'projectNames' }) as unknown[]).length, 3, 'the data outlived its first owner');
  });

  it('a process that closes and opens again while nobody owns it becomes the owner', async () => {
    await owner.close();
    await child.send({ op: 'close' });
    const reopened = (await child.send({ op: 'open', dataDir })) as { embedded: { role: string; url: string } };
    assert.equal(reopened.embedded.role, 'owner');
    assert.equal(readAddress(addressFile())?.pid, child.pid);

    owner = await openDatabase({ dataDir });
    assert.deepEqual(owner.embedded, { role: 'client', ownerPid: child.pid, url: reopened.embedded.url });
    assert.equal((await projectNames(owner)).length, 3);
  });

  it('fails a transaction, without ending the process, when the owner stops during it', async () => {
    assert.equal(owner.embedded?.role, 'client');
    await assert.rejects(
      owner.kysely.transaction().execute(async (trx) => {
        await trx.selectFrom('projects').select('id').execute();
        await child.send({ op: 'close' });
        // The connection's end arrives while it is checked out with no query running.
        await sleep(200);
        await trx.selectFrom('projects').select('id').execute();
      }),
    );
    await assert.rejects(projectNames(owner), 'nobody owns it now');
  });
});

describe('embedded database held by a process that does not share it', () => {
  let dataDir: string;
  before(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scene-regen-held-'));
  });
  after(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('waits for it to publish an address, then names it', async () => {
    // The parent (mocha's launcher or the shell) is alive and never serves this directory.
    fs.writeFileSync(path.join(dataDir, 'pglite.lock'), String(process.ppid));
    const started = Date.now();
    await assert.rejects(
      openDatabase({ dataDir, embeddedOwnerWaitMs: 300 }),
      new RegExp(`in use by process ${process.ppid}, which has not shared it within 300 ms`),
    );
    assert.ok(Date.now() - started >= 300, 'it waited for the owner first');
    assert.equal(fs.readFileSync(path.join(dataDir, 'pglite.lock'), 'utf8'), String(process.ppid), 'the lock stays theirs');
  });
});
