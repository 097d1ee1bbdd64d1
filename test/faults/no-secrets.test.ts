import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import type { Db } from '../../src/db/database';
import type { SceneAssetInput } from '../../src/domain/inputs';
import { startSimulator, type Simulator } from '../../src/sim/server';
import { freePort } from '../../src/temporal/dev-server';
import { regenerateSceneWorkflow, sceneAssetWorkflow } from '../../workflows';
import { testDatabase } from '../db/test-databases';
import { markersIn } from '../helpers/find-markers';
import { startLoggedProcess, startLoggedWorker, type LoggedProcess } from '../helpers/logged-process';
import { startRecordingProxy, type RecordingProxy } from '../helpers/recording-proxy';
import { uniqueSceneId } from '../helpers/scenes';
import { temporalCli } from '../helpers/temporal-cli';
import { testEnv, testServer } from '../helpers/temporal';
import { waitUntilAsync } from '../helpers/wait-async';
import { signatureIsValid, startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver';
import { killHard } from '../helpers/worker-process';
import { regenerationWorkflowId } from '../../src/domain/workflow-ids';

/**
 * ARCHITECTURE.md: "Secrets never enter workflow inputs, results, history, logs or the database."
 * Every key is set to a marker of its own for the worker and the web server (their own
 * processes, as deployed), a full pipeline step runs through every provider API, a faulted
 * submission and a faulted analysis, two reviews decided through the HTTP API, and then the
 * histories, both processes' logs, every table and every file under DATA_DIR are searched.
 */
describe('faults: no secret in history, logs, the database or the data directory', function () {
  this.timeout(300_000);
  const markers = {
    ANTHROPIC_API_KEY: `marker-anthropic-${randomBytes(8).toString('hex')}`,
    PIAPI_API_KEY: `marker-piapi-${randomBytes(8).toString('hex')}`,
    RUNWAYML_API_SECRET: `marker-runway-${randomBytes(8).toString('hex')}`,
    FAL_KEY: `marker-fal-${randomBytes(8).toString('hex')}`,
    REVIEW_API_TOKEN: `marker-review-${randomBytes(8).toString('hex')}`,
    NOTIFY_WEBHOOK_SECRET: `marker-notify-${randomBytes(8).toString('hex')}`,
  };
  const all = Object.values(markers);
  let simulator: Simulator;
  let proxy: RecordingProxy;
  let receiver: WebhookReceiver;
  let dataDir: string;
  const processes: LoggedProcess[] = [];

  before(async () => {
    simulator = await startSimulator({ port: 0 });
    proxy = await startRecordingProxy(simulator.url);
    receiver = await startWebhookReceiver();
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'no-secrets-'));
  });
  after(async function () {
    this.timeout(60_000);
    for (const logged of processes) await killHard(logged.child);
    await proxy?.stop();
    await receiver?.stop();
    await simulator?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('a full round with every key set leaves no key anywhere, and the keys were in use', async () => {
    const [server, database, env] = await Promise.all([testServer(), testDatabase('postgres'), testEnv()]);
    const port = await freePort();
    const processEnv = {
      ...markers,
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_TASK_QUEUE: `secrets-${randomUUID()}`,
      DATABASE_URL: database.databaseUrl,
      DATA_DIR: dataDir,
      SIM_URL: proxy.url,
      PORT: String(port),
      // Every event goes out signed with NOTIFY_WEBHOOK_SECRET, its bodies kept in the database.
      NOTIFY_WEBHOOK_URLS: `${receiver.url}/hook`,
      // The most talkative level: a key in any log line at all must show.
      LOG_LEVEL: 'debug',
    };
    const [worker, web] = await Promise.all([
      startLoggedWorker(processEnv),
      startLoggedProcess('src/web/main.ts', processEnv, 'Server listening'),
    ]);
    processes.push(worker, web);

    const tag = `secret round ${randomUUID()}`;
    simulator.setScenarios([
      {
        match: tag,
        // First asset 40; round 1: 45, 48, 50 (improved); round 2 from 50: 52, 55, 58, escalated again.
        scores: [40, 45, 48, 50, 52, 55, 58],
        faults: { runway: ['http500'], claude: ['http429'] },
      },
    ]);
    const sceneId = uniqueSceneId();
    const input: SceneAssetInput = {
      scene: {
        id: sceneId,
        projectId: 77,
        sceneIndex: 0,
        sceneType: 'b-roll',
        contentType: 'nature',
        narration: 'A calm morning.',
        visualDirection: `A foggy pine forest, ${tag}`,
        // A still: runway, fal.ai and flux (PiAPI) can all make it, so every key is used.
        duration: 0,
        provider: 'runway',
      },
      project: { id: 77, name: 'Secrets' },
    };
    const assetHandle = await env.client.workflow.start(sceneAssetWorkflow, {
      taskQueue: processEnv.TEMPORAL_TASK_QUEUE,
      workflowId: `scene-asset-${sceneId}`,
      args: [input],
    });
    const first = await assetHandle.result();
    assert.equal(first.needsUserReview, true);

    // The reviewer moves round 2 to flux, through PiAPI.
    const api = apiClient(`http://127.0.0.1:${port}`, markers.REVIEW_API_TOKEN);
    await decide(api, sceneId, { action: 'regenerate', provider: 'flux', customPrompt: `Pine trees in fog, ${tag}` });
    await decide(api, sceneId, { action: 'approve' });
    const round = env.client.workflow.getHandle<typeof regenerateSceneWorkflow>(regenerationWorkflowId(sceneId));
    const result = await round.result();
    assert.equal(result.outcome, 'approved');
    assert.deepEqual(
      result.attempts.map((a) => a.provider),
      // Each round: its provider, then the first other image provider (falai), then the best image
      // provider for the content type (falai: no image provider is mapped to nature).
      ['runway', 'falai', 'falai', 'flux', 'falai', 'falai'],
    );

    // Two escalations, two decisions and the end went out before the logs and tables are read.
    await waitUntilAsync(async () => receiver.received.length >= 5, 60_000, 'the round’s five outgoing webhooks');
    const histories = await Promise.all(
      [assetHandle.workflowId, round.workflowId, ...new Set(receiver.received.map((r) => r.deliveryId))].map(async (workflowId) =>
        JSON.stringify(await temporalCli(['workflow', 'show', '--workflow-id', workflowId])),
      ),
    );
    // The search sees inside payloads: the round's own text is found in both histories.
    // (The delivery workflows' histories, searched too, hold delivery ids only.)
    for (const history of histories.slice(0, 2)) assert.deepEqual(markersIn(history, [tag]), [tag]);
    const logs = { worker: worker.output(), web: web.output() };
    assert.match(logs.worker, /worker started/);
    assert.match(logs.web, /decision signalled/);
    const tables = await dumpTables(database.db);
    assert.ok(tables.includes(tag), 'the dump holds this round');
    const files = readTree(dataDir);

    const found = {
      histories: markersIn(histories.join('\n'), all),
      workerLogs: markersIn(logs.worker, all),
      webLogs: markersIn(logs.web, all),
      database: markersIn(tables, all),
      dataDir: markersIn(files, all),
    };
    assert.deepEqual(found, { histories: [], workerLogs: [], webLogs: [], database: [], dataDir: [] });

    // The provider keys really were sent (to the simulator, through the recording proxy).
    // Claude's client sends a fixed stand-in key whenever SIM_URL is set, by design
    // (src/analysis/claude-client.ts), so ANTHROPIC_API_KEY cannot be seen on the wire here.
    const sent = [...proxy.credentials()].join('\n');
    assert.deepEqual(markersIn(sent, [markers.PIAPI_API_KEY, markers.RUNWAYML_API_SECRET, markers.FAL_KEY]).sort(), [
      markers.FAL_KEY,
      markers.PIAPI_API_KEY,
      markers.RUNWAYML_API_SECRET,
    ].sort());
    // The webhook secret really signed what went out.
    assert.ok(receiver.received.every((delivery) => signatureIsValid(delivery, markers.NOTIFY_WEBHOOK_SECRET)));
    assert.match(tables, /"notification_deliveries":\[\{/, 'the deliveries are in the dump');
    assert.equal(simulator.calls().providers.runway.faults, 1, 'the faulted submission was played');
    assert.equal(simulator.calls().analysisFaults, 1, 'the faulted analysis was played');
  });
});

type Api = (method: string, route: string, body?: unknown) => Promise<{ status: number; body: unknown }>;

function apiClient(baseUrl: string, token: string): Api {
  return async (method, route, body) => {
    const response = await fetch(`${baseUrl}${route}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: response.status, body: await response.json() };
  };
}

const decidedEntries = new Set<number>();

/**
 * Waits for the scene's next pending review entry and decides it through the HTTP API. An entry
 * already decided stays pending until the round closes it, so it is skipped by id.
 */
async function decide(api: Api, sceneId: number, decision: Record<string, unknown>): Promise<void> {
  let entryId: number | undefined;
  await waitUntilAsync(
    async () => {
      const { body } = await api('GET', '/api/review-queue?status=pending');
      const entries = (body as { items: { id: number; sceneId: number }[] }).items;
      entryId = entries.find((entry) => entry.sceneId === sceneId && !decidedEntries.has(entry.id))?.id;
      return entryId !== undefined;
    },
    180_000,
    `a pending review entry for scene ${sceneId}`,
  );
  const answer = await api('POST', `/api/review-queue/${entryId}/decision`, decision);
  assert.equal(answer.status, 202, JSON.stringify(answer.body));
  decidedEntries.add(entryId!);
}

/** Every row of every table of ours, as JSON. */
async function dumpTables(db: Db): Promise<string> {
  const { rows } = await sql<{ table_name: string }>`
    select table_name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'
  `.execute(db.kysely);
  const dump: Record<string, unknown[]> = {};
  for (const { table_name: table } of rows) {
    dump[table] = (await sql`select * from ${sql.table(table)}`.execute(db.kysely)).rows;
  }
  return JSON.stringify(dump);
}

/** Every file under a directory, bytes read as latin1 so nothing is lost or rejected. */
function readTree(directory: string): string {
  return readdirSync(directory, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => readFileSync(path.join(entry.parentPath, entry.name)).toString('latin1'))
    .join('\n');
}
