import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { roundWrites, type RoundWrites } from '../db/round-writes';
import { getReviewEntry, getScene, listReviewQueuePage } from '../../src/db/queries';
import type { Db } from '../../src/db/database';
import type { DecisionAccepted, InsightsResponse } from '../../src/domain/http-api';
import { LocalAssetStore } from '../../src/storage/local-asset-store';
import { buildWebServer } from '../../src/web/server';
import { reconcileReviewEntries } from '../../src/web/review-entry-reconciler';
import { analysis, attempt, sceneRequest } from '../db/fixtures';
import { emptyTables, testDatabase } from '../db/test-databases';

const TOKEN = 'token-for-ana-0123456789';

/** No Temporal: a route or pass that asks it anything fails the test. */
const NO_TEMPORAL = new Proxy({}, { get: () => assert.fail('Temporal was asked') }) as unknown as Client;

describe('HTTP API: audit entries of passed scenes', function () {
  this.timeout(60_000);
  let db: Db;
  let app: FastifyInstance;
  let writes: RoundWrites;
  let nextScene = 0;

  before(async function () {
    this.timeout(120_000);
    ({ db } = await testDatabase('pglite'));
    app = buildWebServer({
      db,
      temporal: NO_TEMPORAL,
      taskQueue: 'unused',
      assets: new LocalAssetStore({ rootDir: mkdtempSync(path.join(tmpdir(), 'audits-')), publicUrl: 'http://localhost:3000' }),
      reviewers: [{ reviewer: 'ana', token: TOKEN }],
    });
  });

  beforeEach(async () => {
    await emptyTables(db);
    writes = roundWrites(db);
  });

  after(async () => {
    await app?.close();
  });

  /** A product scene whose round passed at attempt 2 (81) and was sampled for an audit, as endRound writes it. */
  async function auditedPass(): Promise<{ sceneId: number; entryId: number }> {
    const sceneId = ++nextScene;
    await writes.saveScene(sceneRequest({ id: sceneId }));
    const ref = { workflowId: `regenerate-scene-${sceneId}`, runId: 'r', round: 1, sceneId, projectId: 7 };
    const passed = attempt(1, 2, 81);
    const attempts = [attempt(1, 1, 62), passed];
    const audit = { sceneIndex: 3, bestScore: 81, bestAttemptNumber: 2, attempts, requestedAt: '2025-01-01T00:00:00.000Z' };
    const asset = { url: passed.assetUrl!, provider: passed.provider, analysis: analysis(81), score: 81 };
    await writes.steps.endRound({ ref, attempt: passed, scene: { outcome: 'passed', asset }, audit });
    // A retried step writes the entry once.
    await writes.steps.endRound({ ref, attempt: passed, scene: { outcome: 'passed', asset }, audit });
    const { items } = await listReviewQueuePage(db, { status: 'all' });
    assert.equal(items.filter((e) => e.sceneId === sceneId).length, 1);
    return { sceneId, entryId: items.find((e) => e.sceneId === sceneId)!.id };
  }

  const decide = (entryId: number, body: object) =>
    app.inject({ method: 'POST', url: `/api/review-queue/${entryId}/decision`, headers: { authorization: `Bearer ${TOKEN}` }, payload: body });

  it('a sampled pass leaves the scene passed, with a pending audit entry that blocks nothing', async () => {
    const { sceneId, entryId } = await auditedPass();
    const entry = await getReviewEntry(db, entryId);
    assert.deepEqual([entry?.reason, entry?.status, entry?.bestScore, entry?.bestAttemptNumber], ['audit', 'pending', 81, 2]);
    const scene = await getScene(db, sceneId);
    assert.deepEqual([scene?.status, scene?.needsUserReview, scene?.qualityScore], ['passed', false, 81]);
  });

  it('the reviewer’s approve or reject is recorded on the entry as a label, without a round to signal', async () => {
    const approved = await auditedPass();
    const answer = await decide(approved.entryId, { action: 'approve' });
    assert.equal(answer.statusCode, 200, answer.body);
    assert.deepEqual(answer.json<DecisionAccepted>().decision, { action: 'approve', reviewer: 'ana' });
    const entry = await getReviewEntry(db, approved.entryId);
    assert.deepEqual([entry?.status, entry?.decidedBy, entry?.decision?.action], ['decided', 'ana', 'approve']);
    assert.equal((await getScene(db, approved.sceneId))?.status, 'passed');
    const again = await decide(approved.entryId, { action: 'reject' });
    assert.equal(again.statusCode, 409);

    const rejected = await auditedPass();
    assert.equal((await decide(rejected.entryId, { action: 'reject', note: 'the label is misspelt' })).statusCode, 200);
    // People's verdicts now include both audits, each on the judge's passing side.
    const insights = (await app.inject({ method: 'GET', url: '/api/insights', headers: { authorization: `Bearer ${TOKEN}` } })).json<InsightsResponse>();
    const [product] = insights.calibration;
    assert.deepEqual([product?.contentType, product?.verdicts, product?.accepted], ['product', 2, 1]);
    assert.deepEqual([product?.agreement.count, product?.agreement.of], [1, 2]);
  });

  it('an audit takes approve or reject only', async () => {
    const { entryId } = await auditedPass();
    const regenerate = await decide(entryId, { action: 'regenerate' });
    assert.equal(regenerate.statusCode, 400);
    assert.match(regenerate.json<{ error: string }>().error, /an audit takes approve or reject/);
    const named = await decide(entryId, { action: 'approve', attemptNumber: 1 });
    assert.equal(named.statusCode, 400);
    assert.match(named.json<{ error: string }>().error, /approve names no attempt/);
    assert.equal((await getReviewEntry(db, entryId))?.status, 'pending');
  });

  it('the reconciler leaves a pending audit alone: its round ended passed, as it should', async () => {
    const { entryId } = await auditedPass();
    // Temporal knows no waiting run; asked about the audit's run, it would say it completed.
    const temporal = {
      withDeadline: <T>(_deadline: number, call: () => Promise<T>) => call(),
      workflow: {
        list: async function* () {},
        getHandle: () => assert.fail('the pass asked about a run'),
      },
    } as unknown as Client;
    const report = await reconcileReviewEntries(db, temporal, { callTimeoutMs: 5_000, taskQueue: 'audits' });
    assert.equal(report.checked, 0);
    assert.deepEqual([report.skipped, report.superseded], [[], []]);
    assert.equal((await getReviewEntry(db, entryId))?.status, 'pending');
  });
});
