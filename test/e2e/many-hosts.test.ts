import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { sql } from 'kysely';
import type { SceneAssetInput } from '../../src/domain/inputs';
import type { ProviderName } from '../../src/domain/provider';
import type { SceneAssetResult } from '../../src/domain/regeneration';
import { regenerationWorkflowId, sceneAssetWorkflowId, SCENE_ASSET_WORKFLOW } from '../../src/domain/workflow-ids';
import { freePort } from '../../src/temporal/dev-server';
import { testDatabase } from '../db/test-databases';
import { startNpmScript, type NpmProcess } from '../ops/npm-process';
import { startS3Server, type S3TestServer } from '../helpers/s3-server';
import { startSimulatorProcess, type SimulatorProcess } from '../helpers/simulator-process';
import { testServer } from '../helpers/temporal';
import { uniqueSceneId } from '../helpers/scenes';
import { killHard, startWorkerProcess } from '../helpers/worker-process';

/*
 * Issue "many workers on many hosts": two worker processes with separate DATA_DIRs, as on two
 * hosts, and the web server with a third; what they share is Temporal, PostgreSQL and the S3
 * server. A 20-scene storyboard runs under a low PROVIDER_CONCURRENCY while one worker is
 * killed with SIGKILL mid-run.
 */

const LIMIT = 2;
const PROVIDERS: ProviderName[] = ['kling', 'runway', 'luma', 'hailuo', 'falai', 'flux'];
const RENDER_MS = 1_500;

type Plan = 'passes' | 'regenerates' | 'escalates';

describe('many workers on many hosts: two workers (one killed), a web server, PostgreSQL, S3, nothing on a shared disk', function () {
  this.timeout(480_000);
  const dirs: string[] = [];
  const workers: ChildProcess[] = [];
  let s3: S3TestServer | undefined;
  let simulator: SimulatorProcess | undefined;
  let web: NpmProcess | undefined;
  let connection: Connection | undefined;

  const tempDir = (name: string) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), `many-hosts-${name}-`));
    dirs.push(dir);
    return dir;
  };

  after(async function () {
    this.timeout(60_000);
    for (const worker of workers) await killHard(worker);
    web?.killAll();
    await simulator?.stop();
    await s3?.close();
    await connection?.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('every round ends as planned, no provider over its limit, every asset served, no duplicate submission, no row twice', async () => {
    const [server, database] = await Promise.all([testServer(), testDatabase('postgres')]);
    const databaseUrl = database.databaseUrl!;
    // Places another test's stack left behind would count against this test's limit.
    await sql`delete from provider_leases`.execute(database.db.kysely);
    s3 = await startS3Server();
    simulator = await startSimulatorProcess(tempDir('sim'));
    const plans: Plan[] = Array.from({ length: 20 }, (_, i) => (i % 4 === 3 ? 'escalates' : i % 2 === 1 ? 'regenerates' : 'passes'));
    // One rule per scene: a rule's scores are read in order by every scene it matches.
    const marker = (index: number) => `lantern-${index}-end`;
    await simulator.setScenarios(
      plans.map((plan, index) => ({
        match: marker(index),
        scores: plan === 'passes' ? [85] : plan === 'regenerates' ? [50, 78] : [40, 45, 48, 52],
        issues: [{ category: 'composition' as const, severity: 'medium' as const, description: 'cluttered background' }],
        latencyMs: RENDER_MS,
      })),
    );
    const webPort = await freePort();
    const publicUrl = `http://127.0.0.1:${webPort}`;
    const taskQueue = `many-hosts-${randomUUID()}`;
    const shared = {
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      DATABASE_URL: databaseUrl,
      SIM_URL: simulator.url,
      PUBLIC_URL: publicUrl,
      PROVIDER_CONCURRENCY: PROVIDERS.map((name) => `${name}=${LIMIT}`).join(','),
      ANTHROPIC_API_KEY: '',
      PIAPI_API_KEY: '',
      RUNWAYML_API_SECRET: '',
      FAL_KEY: '',
      ...s3.env('many-hosts'),
    };
    const doomed = await startWorkerProcess({ ...shared, DATA_DIR: tempDir('worker-a') });
    workers.push(doomed);
    workers.push(await startWorkerProcess({ ...shared, DATA_DIR: tempDir('worker-b') }));
    web = await startNpmScript(
      'web',
      { ...shared, DATA_DIR: tempDir('web'), HOST: '127.0.0.1', PORT: String(webPort), REVIEW_API_TOKEN: 'many-hosts' },
      'Server listening at',
    );

    const projectId = uniqueSceneId();
    const inputs: SceneAssetInput[] = plans.map((plan, sceneIndex) => {
      const video = sceneIndex % 3 === 0;
      return {
        scene: {
          id: uniqueSceneId(),
          projectId,
          sceneIndex,
          sceneType: 'b-roll',
          contentType: 'product',
          narration: `Scene ${sceneIndex}, planned to be ${plan} (${marker(sceneIndex)}).`,
          visualDirection: `A paper lantern, view ${marker(sceneIndex)}`,
          duration: video ? 5 : 0,
          provider: video ? (['kling', 'luma', 'runway'] as const)[sceneIndex % 3] : sceneIndex % 2 === 0 ? 'falai' : 'flux',
        },
        project: { id: projectId, name: 'Two hosts' },
        // Escalated rounds end on their own, so the test waits for every round to finish.
        policy: { reviewTimeout: '2s', onReviewTimeout: 'reject' },
      };
    });

    connection = await Connection.connect({ address: server.address });
    const client = new Client({ connection });
    const handles = await Promise.all(
      inputs.map((input) =>
        client.workflow.start(SCENE_ASSET_WORKFLOW, {
          taskQueue,
          workflowId: sceneAssetWorkflowId(input.scene.id),
          args: [input],
        }),
      ),
    );

    // Mid-run: some generations submitted, most of the storyboard still ahead.
    const submitted = async () => Object.values((await simulator!.calls()).providers).reduce((sum, p) => sum + p.submissions, 0);
    for (let until = Date.now() + 120_000; (await submitted()) < 8; ) {
      if (Date.now() > until) assert.fail('the storyboard never got going');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // Sends in flight now (intent written, no answer yet): the killed worker's are among them, and
    // each may reach the provider with no answer ever recorded (the documented window).
    const ours = new Set(inputs.flatMap((input) => [sceneAssetWorkflowId(input.scene.id), regenerationWorkflowId(input.scene.id)]));
    const unanswered = await sql<{ idempotency_key: string }>`select idempotency_key from provider_submissions where answered_at is null`.execute(
      database.db.kysely,
    );
    const inFlightAtKill = unanswered.rows.filter((row) => ours.has(row.idempotency_key.split('/')[0])).length;
    await killHard(doomed);

    const results = (await Promise.all(handles.map((handle) => handle.result()))) as SceneAssetResult[];
    const rounds = results.filter((result) => result.reviewWorkflowId !== undefined || result.regeneration !== undefined);
    for (const result of results) {
      if (result.reviewWorkflowId) await client.workflow.getHandle(result.reviewWorkflowId).result();
    }

    // Every round ended as planned.
    results.forEach((result, index) => {
      const plan = plans[index];
      if (plan === 'passes') {
        assert.equal(result.qualityScore, 85, `scene ${index}`);
        assert.equal(result.needsUserReview, false);
      } else if (plan === 'regenerates') {
        assert.equal(result.regeneration?.outcome, 'passed', `scene ${index}: ${JSON.stringify(result.regeneration)}`);
        assert.equal(result.qualityScore, 78);
      } else {
        assert.equal(result.needsUserReview, true, `scene ${index}`);
      }
    });
    assert.ok(rounds.length >= 10);

    // No provider ever had more than its limit in flight, across both workers.
    const calls = await simulator.calls();
    for (const name of PROVIDERS) {
      assert.ok(calls.providers[name].peakInFlight <= LIMIT, `${name}: ${calls.providers[name].peakInFlight} in flight`);
    }

    // Every asset the database knows is served by the web server from the object store.
    const db = database.db.kysely;
    const attemptRows = await db
      .selectFrom('regeneration_attempts')
      .select(['workflow_id', 'run_id', 'round', 'attempt_number', 'asset_url', 'provider_task_id'])
      .where('project_id', '=', projectId)
      .execute();
    const sceneRows = await db.selectFrom('scenes').select(['id', 'asset_url']).where('project_id', '=', projectId).execute();
    const urls = [...attemptRows.map((row) => row.asset_url), ...sceneRows.map((row) => row.asset_url)].filter(
      (url): url is string => typeof url === 'string',
    );
    assert.ok(urls.length >= 30, `${urls.length} asset URLs`);
    for (const url of new Set(urls)) {
      assert.ok(url.startsWith(publicUrl), url);
      const response = await fetch(url);
      assert.equal(response.status, 200, url);
      assert.ok((await response.arrayBuffer()).byteLength > 0, url);
    }

    // No row twice: one attempt row per (run, round, attempt), one task per recorded attempt.
    const attemptKeys = attemptRows.map((row) => `${row.workflow_id}/${row.run_id}/${row.round}/${row.attempt_number}`);
    assert.equal(new Set(attemptKeys).size, attemptKeys.length);
    const taskIds = attemptRows.map((row) => row.provider_task_id).filter((id) => id !== null);
    assert.equal(new Set(taskIds).size, taskIds.length, 'a provider task in two attempts');

    // Every submission the simulator saw is one the ledger recorded, except those the killed
    // worker had in flight when it died (the documented window): its submits run concurrently, so
    // there may be several; one more for an intent written between the count and the kill.
    const ledgerRows = await db.selectFrom('provider_submissions').select(['idempotency_key', 'task_id']).execute();
    const ledgerTasks = ledgerRows.filter((row) => row.task_id !== null && ours.has(row.idempotency_key.split('/')[0])).length;
    const total = PROVIDERS.reduce((sum, name) => sum + calls.providers[name].submissions, 0);
    const window = inFlightAtKill + 1;
    assert.ok(total - ledgerTasks <= window, `${total} submissions at the simulator, ${ledgerTasks} in the ledger, ${window - 1} in flight at the kill`);
  });
});
