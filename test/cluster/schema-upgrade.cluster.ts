import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { Client as PgClient } from 'pg';
import { getScene } from '../../src/db/queries';
import { regenerationWorkflowId } from '../../src/domain/workflow-ids';
import { startStack, type Stack } from '../../src/stack/start-stack';
import {
  prepareTemporalSchema,
  setupTemporalNamespace,
  startProductionServer,
  type ProductionServer,
  type TemporalSchemaVersions,
} from '../../src/temporal/production-server';
import { PROJECT_ROOT } from '../../src/project-root';
import { regenerateSceneWorkflow } from '../../workflows';
import { userDecisionSignal } from '../../workflows/messages';
import { testDatabase } from '../db/test-databases';
import { clusterTemporalDatabases } from './cluster-stack';
import { teapotImageRound, uniqueSceneId } from '../helpers/scenes';
import { waitForReviewEntry } from '../helpers/workflow-runner';

const run = promisify(execFile);

/*
 * Issue 26, item 8: the stack started on an older Temporal server and its older schema (the
 * versions its module declares, from the same versioned files: 1.30.1's temporal-sql-tool cannot
 * parse 1.29.1's copy of visibility v1.2, whose first line 1.30.1 rewrote), rounds
 * left waiting for review, the server stopped, the schema brought to the current version with
 * `temporal-sql-tool update-schema` (deploy/temporal/setup-schema.sh, as the compose file's schema
 * job runs it on every start), the current server started on the same databases: the waiting
 * rounds take their decisions and finish. The older server is built by
 * scripts/install-older-temporal-server.sh (pretest:cluster runs it).
 */
describe('a schema upgrade: rounds waiting for review on an older Temporal server finish on the current one', function () {
  this.timeout(15 * 60_000);
  const ROUNDS = 3;
  const { databases, drop } = clusterTemporalDatabases();
  let dataDir: string;
  let temporal: ProductionServer | undefined;
  let stack: Stack | undefined;

  before(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'cluster-upgrade-'));
  });
  after(async function () {
    this.timeout(120_000);
    await stack?.stop();
    await temporal?.stop();
    await drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('update-schema while stopped, then the rounds waiting before the upgrade finish after it', async () => {
    const older = await olderServer();
    await prepareTemporalSchema(databases, older.schema);
    const before = await schemaVersions();
    assert.deepEqual(before, older.schema);
    temporal = await startProductionServer({ databases, olderServerPath: older.server });
    await setupTemporalNamespace({ address: temporal.address });
    const port = Number(temporal.address.split(':').at(-1));

    const database = await testDatabase('postgres');
    stack = await startStack({
      env: { ...process.env, DATABASE_URL: database.databaseUrl, REVIEW_API_TOKEN: randomUUID() },
      dataDir: path.join(dataDir, 'stack'),
      temporalAddress: temporal.address,
      simulator: 'always',
      webPort: 0,
      taskQueue: `upgrade-${randomUUID()}`,
    });
    assert.equal(await serverVersion(stack.client), '1.29.1');
    // A rule per round: the simulator hands a rule's scores out in the order it is asked.
    const marker = (index: number) => `schema upgrade ${index}`;
    stack.simulator!.setScenarios(Array.from({ length: ROUNDS }, (_, index) => ({ match: marker(index), scores: [45, 50, 52] })));
    const projectId = uniqueSceneId();
    const rounds: { sceneId: number; handle: WorkflowHandle }[] = [];
    for (let index = 0; index < ROUNDS; index += 1) {
      const input = teapotImageRound(projectId, index, marker(index), 'Schema upgrade');
      const handle = await stack.client.workflow.start(regenerateSceneWorkflow, {
        taskQueue: stack.config.temporal.taskQueue,
        workflowId: regenerationWorkflowId(input.scene.id),
        args: [input],
      });
      rounds.push({ sceneId: input.scene.id, handle });
    }
    await Promise.all(rounds.map(({ handle }) => waitForReviewEntry(handle, 180_000)));

    await temporal.stop();
    temporal = undefined;
    await prepareTemporalSchema(databases);
    const after = await schemaVersions();
    assert.notDeepEqual(after, before, 'the upgrade changed a schema version');
    assert.deepEqual(after, { temporal: '1.18', visibility: '1.13' });
    console.log(`      schema ${JSON.stringify(before)} -> ${JSON.stringify(after)}`);

    temporal = await startProductionServer({ databases, port });
    // The stack's worker and client were connected to the older server all along: the same port.
    assert.equal(await serverVersion(stack.client), '1.30.1');
    // The visibility rows written before the upgrade are still found by the search attributes.
    const listed = await waitingRounds(stack.client, projectId);
    assert.deepEqual(listed.sort(), rounds.map((r) => r.handle.workflowId).sort());

    for (const [index, { handle }] of rounds.entries()) {
      await handle.signal(userDecisionSignal, { action: 'approve', attemptNumber: index + 1, reviewer: 'ops' });
    }
    for (const [index, { sceneId, handle }] of rounds.entries()) {
      const result = await handle.result();
      assert.equal(result.outcome, 'approved');
      assert.equal(result.finalScore, [45, 50, 52][index]);
      assert.equal((await getScene(stack.db, sceneId))?.status, 'approved');
    }
  });

  /** The version each database's schema_version table records (temporal-sql-tool writes it). */
  async function schemaVersions(): Promise<TemporalSchemaVersions> {
    const version = async (database: string): Promise<string> => {
      const client = new PgClient({ ...databases, database });
      await client.connect();
      try {
        const { rows } = await client.query<{ curr_version: string }>('select curr_version from schema_version');
        return rows[0].curr_version;
      } finally {
        await client.end();
      }
    };
    return { temporal: await version(databases.names!.temporal), visibility: await version(databases.names!.visibility) };
  }
});

/** The older server, and the schema versions it declares (schema/postgresql/v12/version.go of its module). */
async function olderServer(): Promise<{ server: string; schema: TemporalSchemaVersions }> {
  const { stdout } = await run('bash', [path.join(PROJECT_ROOT, 'scripts', 'install-older-temporal-server.sh')], { maxBuffer: 16 * 1024 * 1024 });
  const [server, schemaDir] = stdout.trim().split('\n').slice(-2);
  const declared = readFileSync(path.join(schemaDir, 'version.go'), 'utf8');
  const constant = (name: string): string => {
    const found = new RegExp(`const ${name} = "([0-9.]+)"`).exec(declared)?.[1];
    if (!found) throw new Error(`${schemaDir}/version.go declares no ${name}`);
    return found;
  };
  return { server, schema: { temporal: constant('Version'), visibility: constant('VisibilityVersion') } };
}

async function serverVersion(client: Client): Promise<string> {
  const info = await client.workflowService.getSystemInfo({});
  return info.serverVersion ?? '';
}

/** Rounds of the project that SQL visibility lists as waiting for review. */
async function waitingRounds(client: Client, projectId: number): Promise<string[]> {
  const ids: string[] = [];
  for await (const execution of client.workflow.list({ query: `RegenStatus = 'awaiting_review' AND ProjectId = ${projectId}` })) {
    ids.push(execution.workflowId);
  }
  return ids;
}

