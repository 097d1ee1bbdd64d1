import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { openDatabase } from '../../src/db/database';
import { readAddress } from '../../src/db/embedded';
import { migrateToLatest } from '../../src/db/migrate';
import { migrations } from '../../src/db/migrations';
import { countRows, getScene } from '../../src/db/queries';
import { roundWrites } from './round-writes';
import { describeEachDatabase } from './test-databases';
import { sceneRequest, SCENE_ID } from './fixtures';

describeEachDatabase('migrations', ({ dialect, db, databaseUrl }) => {
  it('applied every migration once, and running them again applies nothing', async () => {
    assert.deepEqual(db().appliedMigrations, Object.keys(migrations));
    assert.deepEqual(await migrateToLatest(db().kysely), []);
    const { rows } = await sql<{ count: number }>`select count(*)::int as count from kysely_migration`.execute(
      db().kysely,
    );
    assert.equal(rows[0]?.count, Object.keys(migrations).length);
  });

  it('creates the ten tables', async () => {
    const tables = [
      'projects',
      'scenes',
      'regeneration_attempts',
      'review_queue',
      'provider_leases',
      'provider_submissions',
      'provider_health',
      'provider_outcomes',
      'budget_reservations',
      'notification_deliveries',
    ] as const;
    for (const table of tables) {
      assert.equal(await countRows(db(), table), 0, table);
    }
  });

  it('indexes the pending review queue by status, newest first', async () => {
    const { rows } = await sql<{ indexdef: string }>`
      select indexdef from pg_indexes where tablename = 'review_queue' and indexname = 'review_queue_pending_idx'
    `.execute(db().kysely);
    assert.equal(rows.length, 1);
    assert.match(rows[0]!.indexdef, /\(status, created_at DESC, id DESC\)/);
  });

  it('keys attempts and review entries by workflow id, run id and round', async () => {
    const { rows } = await sql<{ indexdef: string }>`
      select indexdef from pg_indexes
      where indexname in ('regeneration_attempts_key', 'review_queue_key') order by indexname
    `.execute(db().kysely);
    assert.deepEqual(
      rows.map((row) => row.indexdef.replace(/^.*\((.*)\)$/, '$1')),
      ['workflow_id, run_id, round, attempt_number', 'workflow_id, run_id, round'],
    );
  });

  if (dialect !== 'postgres') return;

  it('a second process opening the same PostgreSQL database finds the schema current', async () => {
    const url = databaseUrl();
    assert.ok(url);
    const second = await openDatabase({ databaseUrl: url, dataDir: 'unused' });
    try {
      assert.deepEqual(second.appliedMigrations, []);
      assert.equal(second.dialect, 'postgres');
    } finally {
      await second.close();
    }
  });
});

describe('embedded database on disk', function () {
  this.timeout(30_000);
  let dataDir: string;

  before(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scene-regen-db-'));
  });
  after(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps its data under DATA_DIR/pglite across opens, migrating only the first time', async () => {
    const first = await openDatabase({ dataDir });
    try {
      assert.equal(first.dialect, 'pglite');
      assert.deepEqual(first.appliedMigrations, Object.keys(migrations));
      assert.equal(first.embedded?.role, 'owner');
      await roundWrites(first).saveScene(sceneRequest());
      // Opening PGlite twice would corrupt it: a second open goes through the first instead.
      const second = await openDatabase({ dataDir });
      try {
        assert.equal(second.embedded?.role, 'client');
        assert.deepEqual(second.appliedMigrations, []);
        assert.equal((await getScene(second, SCENE_ID))?.narration, sceneRequest().scene.narration);
      } finally {
        await second.close();
      }
    } finally {
      await first.close();
    }
    assert.ok(fs.existsSync(path.join(dataDir, 'pglite', 'PG_VERSION')));
    assert.ok(!fs.existsSync(path.join(dataDir, 'pglite.lock')), 'close releases the lock');
    assert.ok(!fs.existsSync(path.join(dataDir, 'pglite.server.json')), 'close withdraws the address');

    const reopened = await openDatabase({ dataDir });
    try {
      assert.deepEqual(reopened.appliedMigrations, []);
      assert.equal((await getScene(reopened, SCENE_ID))?.narration, sceneRequest().scene.narration);
    } finally {
      await reopened.close();
    }
  });

  it('takes over a lock left by a process that died', async () => {
    fs.mkdirSync(path.join(dataDir, 'pglite'), { recursive: true });
    // Linux pids stop at 2^22, so no live process has this one.
    fs.writeFileSync(path.join(dataDir, 'pglite.lock'), String(4_194_305));
    fs.writeFileSync(path.join(dataDir, 'pglite.server.json'), JSON.stringify({ pid: 4_194_305, port: 1 }));
    const db = await openDatabase({ dataDir });
    try {
      assert.equal(db.embedded?.role, 'owner');
      assert.equal(fs.readFileSync(path.join(dataDir, 'pglite.lock'), 'utf8'), String(process.pid));
      assert.equal(readAddress(path.join(dataDir, 'pglite.server.json'))?.pid, process.pid, 'its address replaces the dead one');
    } finally {
      await db.close();
    }
  });
});
