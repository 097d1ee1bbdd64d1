import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { runCli, type CliDeps } from '../../src/cli/cli';
import type { StartedScene } from '../../src/temporal/scene-pipeline';
import { getScene } from '../../src/db/queries';
import type { RegenerationResult, RegenerationState, SceneAssetResult } from '../../src/domain/regeneration';
import { testEnv } from '../helpers/temporal';
import { uniqueSceneId } from '../helpers/scenes';
import { workflowBundle } from '../helpers/workflow-bundle';
import { eventually, seedScene, withWebServer } from './web-harness';
import { regenerationWorkflowId } from '../../src/domain/workflow-ids';

function writeJson(value: unknown): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'client-cli-')), 'input.json');
  writeFileSync(file, JSON.stringify(value));
  return file;
}

/** Runs a command the way client.ts does, collecting what it prints. */
async function cli(args: string[], client: () => Promise<Client>, taskQueue = 'unused') {
  const out: string[] = [];
  const err: string[] = [];
  const deps: CliDeps = { client, taskQueue, print: (text) => out.push(text), printError: (text) => err.push(text) };
  const code = await runCli(args, deps);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

function scene(id: number, visualDirection: string) {
  return { id, sceneType: 'b-roll', contentType: 'food', narration: 'Bread.', visualDirection, duration: 5, provider: 'kling' };
}

describe('operator CLI', function () {
  this.timeout(90_000);
  before(async function () {
    this.timeout(240_000);
    await Promise.all([testEnv(), workflowBundle()]);
  });

  it('starts a storyboard, shows the escalated round and carries a decision out', async () => {
    const good = uniqueSceneId();
    const poor = uniqueSceneId();
    await withWebServer((sceneId) => (sceneId === good ? 85 : 40), async ({ client, taskQueue, db }) => {
      const connect = async (): Promise<Client> => client;
      const storyboard = writeJson({ project: { id: 52, name: 'Bakery film' }, scenes: [scene(good, 'A crusty loaf'), scene(poor, 'A burnt loaf')] });
      const started = await cli(['start-storyboard', storyboard], connect, taskQueue);
      assert.equal(started.code, 0, started.err);
      const list = JSON.parse(started.out) as StartedScene[];
      assert.deepEqual(
        list.map((s) => [s.sceneId, s.workflowId, s.status]),
        [
          [good, `scene-asset-${good}`, 'started'],
          [poor, `scene-asset-${poor}`, 'started'],
        ],
      );

      const goodResult: SceneAssetResult = await client.workflow.getHandle(`scene-asset-${good}`).result();
      assert.equal(goodResult.qualityScore, 85);
      assert.equal(goodResult.needsUserReview, false);
      const poorResult: SceneAssetResult = await client.workflow.getHandle(`scene-asset-${poor}`).result();
      assert.equal(poorResult.needsUserReview, true);
      const stored = await getScene(db, poor);
      assert.equal(stored?.sceneIndex, 1);
      assert.equal(stored?.projectId, 52);

      const shown = await cli(['state', String(poor)], connect);
      assert.equal(shown.code, 0, shown.err);
      const state = JSON.parse(shown.out) as RegenerationState;
      assert.equal(state.status, 'awaiting_review');
      assert.equal(state.attempts.length, 3);

      const decided = await cli(['decide', String(poor), 'approve', '--attempt', '2', '--reviewer', 'ops', '--note', 'good enough'], connect);
      assert.equal(decided.code, 0, decided.err);
      const result: RegenerationResult = await client.workflow.getHandle(regenerationWorkflowId(poor)).result();
      assert.equal(result.outcome, 'approved');
      assert.deepEqual(result.review?.decision, { action: 'approve', attemptNumber: 2, reviewer: 'ops', note: 'good enough' });
      assert.equal(result.newAssetUrl, state.attempts[1].assetUrl);

      const late = await cli(['decide', String(poor), 'reject', '--reviewer', 'ops'], connect);
      assert.equal(late.code, 2);
      assert.match(late.err, /approved, not awaiting review/);
      const none = await cli(['state', String(uniqueSceneId())], connect);
      assert.equal(none.code, 2);
      assert.match(none.err, /has no regeneration round/);
    });
  });

  it('cancels a round awaiting review; with no round running it says so', async () => {
    await withWebServer(() => 40, async (harness) => {
      const connect = async (): Promise<Client> => harness.client;
      const waiting = await seedScene(harness.db, { score: 40 });
      assert.equal((await harness.request({ method: 'POST', url: `/api/scenes/${waiting.id}/regenerate` })).statusCode, 202);
      await eventually(() => getScene(harness.db, waiting.id), (s) => s?.status === 'awaiting_review');
      const cancelled = await cli(['cancel', String(waiting.id)], connect);
      assert.equal(cancelled.code, 0, cancelled.err);
      assert.equal((JSON.parse(cancelled.out) as { workflowId: string }).workflowId, regenerationWorkflowId(waiting.id));
      const result: RegenerationResult = await harness.client.workflow.getHandle(regenerationWorkflowId(waiting.id)).result();
      assert.equal(result.outcome, 'cancelled');
      assert.equal((await getScene(harness.db, waiting.id))?.status, 'analyzed');
      const again = await cli(['cancel', String(waiting.id)], connect);
      assert.equal(again.code, 2);
      assert.match(again.err, /has no regeneration round running/);
    });
  });

  it('refuses bad arguments and files before connecting to Temporal', async () => {
    const neverConnect = (): Promise<Client> => Promise.reject(new Error('must not connect'));
    const id = uniqueSceneId();
    const cases: [string[], RegExp][] = [
      [[], /Usage: client <command>/],
      [['launch'], /Unknown command "launch"/],
      [['state', 'abc'], /"abc" is not a scene id/],
      [['state', '-5'], /Unknown option|is not a scene id/],
      [['cancel'], /Usage: cancel <sceneId>/],
      [['cancel', 'abc'], /"abc" is not a scene id/],
      [['decide', String(id), 'approve'], /--reviewer NAME is required/],
      [['decide', String(id), 'maybe', '--reviewer', 'ops'], /Unknown decision "maybe"/],
      [['decide', String(id), 'reject', '--attempt', '1', '--reviewer', 'ops'], /--attempt only goes with approve/],
      [['decide', String(id), 'regenerate', '--provider', 'dalle', '--reviewer', 'ops'], /--provider must be one of/],
      [['decide', String(id), 'approve', '--attempt', 'two', '--reviewer', 'ops'], /--attempt must be an attempt number/],
      [['decide', String(id), 'approve', '--attempt', '1', '--candidate', 'second', '--reviewer', 'ops'], /--candidate must be a candidate number/],
      [['decide', String(id), 'reject', '--candidate', '2', '--reviewer', 'ops'], /--candidate only goes with approve/],
      [['start-scene', '/nonexistent/scene.json'], /Cannot read \/nonexistent\/scene.json: ENOENT/],
      [['start-scene', writeJson({ scene: { id: -1 } })], /does not fit: scene\.id/],
      [['start-storyboard', writeJson({ project: { id: 3 }, scenes: [scene(id, 'a'), scene(id, 'b')] })], /appears twice/],
      [['start-storyboard', writeJson({ project: { id: 3 }, scenes: [{ ...scene(id, 'a'), projectId: 4 }] })], /names project 4/],
    ];
    for (const [args, expected] of cases) {
      const result = await cli(args, neverConnect);
      assert.equal(result.code, 2, args.join(' '));
      assert.match(result.err, expected, args.join(' '));
      assert.equal(result.out, '', args.join(' '));
    }
  });
});
