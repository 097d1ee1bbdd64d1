import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { parseProviderConcurrency } from '../../src/config';
import type { Db } from '../../src/db/database';
import { createDatabaseConcurrencyGate, DEFAULT_LEASE_MS } from '../../src/providers/concurrency-gate';
import { describeEachDatabase, openTwoPools } from './test-databases';

const limits = { ...parseProviderConcurrency(undefined), kling: 2 };

async function placesIn(db: Db): Promise<string[]> {
  const rows = await db.kysely.selectFrom('provider_leases').select('place').where('provider', '=', 'kling').orderBy('place').execute();
  return rows.map((row) => row.place);
}

describeEachDatabase('provider concurrency gate', (context) => {
  const { db } = context;

  it('grants places up to the limit, then says when to ask again; other providers are not affected', async () => {
    const gate = createDatabaseConcurrencyGate({ db: db(), limits, retryAfterMs: 1_500 });
    const first = await gate.tryTake('kling');
    const second = await gate.tryTake('kling');
    assert.ok(first.granted && second.granted);
    assert.deepEqual(await gate.tryTake('kling'), { granted: false, retryAfterMs: 1_500, inFlight: 2 });
    assert.ok((await gate.tryTake('runway')).granted);
    assert.equal(await gate.inFlight('kling'), 2);
    assert.equal(await gate.inFlight('runway'), 1);
  });

  it('counts the places every worker took: a second gate on the same database sees the first one’s', async () => {
    const one = createDatabaseConcurrencyGate({ db: db(), limits });
    const other = createDatabaseConcurrencyGate({ db: db(), limits });
    assert.ok((await one.tryTake('kling')).granted);
    await other.hold('kling', 'from-the-other-worker');
    assert.equal((await one.tryTake('kling')).granted, false);
    assert.equal(await other.inFlight('kling'), 2);
  });

  it('a failed submission gives its place back; a bound one keeps it until its task is released', async () => {
    const gate = createDatabaseConcurrencyGate({ db: db(), limits });
    const failed = await gate.tryTake('kling');
    const bound = await gate.tryTake('kling');
    assert.ok(failed.granted && bound.granted);
    await failed.lease.cancel();
    await bound.lease.bind('task-b');
    assert.deepEqual(await placesIn(db()), ['task:task-b']);
    await gate.hold('kling', 'task-b'); // renewing does not take a second place
    assert.equal(await gate.inFlight('kling'), 1);
    await gate.release('kling', 'task-b');
    assert.equal(await gate.inFlight('kling'), 0);
    assert.deepEqual(await placesIn(db()), []);
  });

  it('holds a task already at the provider even past the limit, since it runs regardless', async () => {
    const gate = createDatabaseConcurrencyGate({ db: db(), limits });
    await gate.hold('kling', 'a');
    await gate.hold('kling', 'b');
    await gate.hold('kling', 'c');
    assert.equal(await gate.inFlight('kling'), 3);
    assert.deepEqual(await gate.tryTake('kling'), { granted: false, retryAfterMs: 2_000, inFlight: 3 });
    await gate.release('kling', 'a');
    await gate.release('kling', 'b');
    assert.equal((await gate.tryTake('kling')).granted, true);
  });

  it('a place nobody renews lapses after the lease and is cleared by the next taker; a renewed one does not', async () => {
    const gate = createDatabaseConcurrencyGate({ db: db(), limits, leaseMs: 1_000 });
    await gate.hold('kling', 'renewed');
    await gate.hold('kling', 'forgotten');
    await sleep(600);
    await gate.hold('kling', 'renewed');
    await sleep(600);
    assert.equal(await gate.inFlight('kling'), 1);
    assert.ok((await gate.tryTake('kling')).granted);
    const places = await placesIn(db());
    assert.equal(places.length, 2);
    assert.ok(!places.includes('task:forgotten'), 'the lapsed place is deleted');
    assert.ok(places.includes('task:renewed'));
  });

  it('a submission whose pending place lapsed still takes one when it binds: its task runs regardless', async () => {
    const gate = createDatabaseConcurrencyGate({ db: db(), limits, leaseMs: 200 });
    const slow = await gate.tryTake('kling');
    assert.ok(slow.granted);
    await sleep(300);
    assert.ok((await gate.tryTake('kling')).granted);
    assert.ok((await gate.tryTake('kling')).granted);
    await slow.lease.bind('slow-task');
    assert.ok((await placesIn(db())).includes('task:slow-task'));
  });

  it('dates leases by the database clock', async () => {
    const gate = createDatabaseConcurrencyGate({ db: db(), limits });
    await gate.hold('kling', 'dated');
    const { rows } = await sql<{ seconds: number }>`
      select extract(epoch from expires_at - now())::float8 as seconds from provider_leases where place = 'task:dated'
    `.execute(db().kysely);
    const seconds = rows[0]?.seconds ?? Number.NaN;
    assert.ok(seconds > DEFAULT_LEASE_MS / 1000 - 5 && seconds <= DEFAULT_LEASE_MS / 1000, String(seconds));
  });

  describe('two workers on two pools', function () {
    this.timeout(120_000);
    let pools: [Db, Db];
    let close: (() => Promise<void>) | undefined;
    before(async () => {
      ({ pools, close } = await openTwoPools(context));
    });
    after(async () => {
      await close?.();
    });
    beforeEach(async () => {
      await pools[0].kysely.deleteFrom('provider_leases').execute();
    });

    it('20 concurrent takers through both pools get exactly the limit', async () => {
      const three = { ...limits, kling: 3 };
      const gates = pools.map((pool) => createDatabaseConcurrencyGate({ db: pool, limits: three }));
      const answers = await Promise.all(Array.from({ length: 20 }, (_, index) => gates[index % 2]!.tryTake('kling')));
      assert.equal(answers.filter((answer) => answer.granted).length, 3);
      assert.equal(await gates[0]!.inFlight('kling'), 3);
      assert.equal(await gates[1]!.inFlight('kling'), 3);
    });

    it('never has more than the limit in flight while 20 workers take, hold and give back places', async () => {
      const three = { ...limits, kling: 3 };
      const gates = pools.map((pool) => createDatabaseConcurrencyGate({ db: pool, limits: three, retryAfterMs: 5 }));
      let holding = 0;
      let peak = 0;
      let generations = 0;
      const worker = async (index: number) => {
        const gate = gates[index % 2]!;
        for (let round = 0; round < 6; round += 1) {
          const answer = await gate.tryTake('kling');
          if (!answer.granted) {
            await sleep(answer.retryAfterMs);
            continue;
          }
          holding += 1;
          peak = Math.max(peak, holding);
          generations += 1;
          const taskId = `task-${index}-${round}`;
          await sleep(5);
          holding -= 1;
          await answer.lease.bind(taskId);
          await gate.release('kling', taskId);
        }
      };
      await Promise.all(Array.from({ length: 20 }, (_, index) => worker(index)));
      assert.ok(generations >= 3, `${generations} generations`);
      assert.ok(peak <= 3, `peak ${peak}`);
      assert.equal(await gates[0]!.inFlight('kling'), 0);
    });
  });
});
