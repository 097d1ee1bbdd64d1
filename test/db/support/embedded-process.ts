/**
 * A separate process on the embedded database, driven by the sharing tests one JSON command a
 * line on stdin, answering one JSON line each on stdout: a real second process, not a second
 * open in the test's own process.
 */
import readline from 'node:readline';
import { openDatabase, type Db } from '../../../src/db/database';

export type Command =
  | { op: 'open'; dataDir: string }
  | { op: 'addProject'; id: number; name: string }
  | { op: 'projectNames' }
  | { op: 'close' };

export type Reply = { ok: true; result: unknown } | { ok: false; error: string };

let db: Db | undefined;

async function run(command: Command): Promise<unknown> {
  switch (command.op) {
    case 'open':
      db = await openDatabase({ dataDir: command.dataDir, onPoolError: () => undefined });
      return { embedded: db.embedded, appliedMigrations: db.appliedMigrations };
    case 'addProject':
      await opened().kysely.insertInto('projects').values({ id: command.id, name: command.name }).execute();
      return null;
    case 'projectNames': {
      const rows = await opened().kysely.selectFrom('projects').select('name').orderBy('id').execute();
      return rows.map((row) => row.name);
    }
    case 'close':
      await db?.close();
      db = undefined;
      return null;
  }
}

function opened(): Db {
  if (db === undefined) throw new Error('Not open');
  return db;
}

// One command at a time, in order: the test awaits each reply before sending the next.
const lines = readline.createInterface({ input: process.stdin });
let queue = Promise.resolve();
lines.on('line', (line) => {
  queue = queue.then(async () => {
    let reply: Reply;
    try {
      reply = { ok: true, result: await run(JSON.parse(line) as Command) };
    } catch (error) {
      reply = { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
    process.stdout.write(`${JSON.stringify(reply)}\n`);
  });
});
// Stdin closing is the parent saying goodbye: close the database, as `npm run web` does on exit.
lines.on('close', () => {
  queue
    .then(() => db?.close())
    .then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`closing: ${String(error)}\n`);
        process.exit(1);
      },
    );
});
