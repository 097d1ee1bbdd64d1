import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { roundWrites, type RoundWrites } from '../db/round-writes';
import type { InsightsResponse } from '../../src/domain/http-api';
import { LocalAssetStore } from '../../src/storage/local-asset-store';
import { buildWebServer } from '../../src/web/server';
import { DEFAULT_REVIEWER_BARS, simulatedReview } from '../../src/sim/judge/reviewer';
import { gaussian, seededRng } from '../../src/sim/seeded-random';
import { attempt, sceneRequest } from '../db/fixtures';
import { emptyTables, testDatabase } from '../db/test-databases';

const TOKEN = 'token-for-ana-0123456789';

/**
 * Calibration through the API: 100 product scenes whose true quality spreads across the bar are
 * judged with the realistic judge's error (persistent σ 8, per call σ 3) and decided by the
 * simulator's person, whose hidden bar for products is 76: those judged below 70 as escalations,
 * the rest as audits labelled through the decision route. GET /api/insights must find the bar.
 */
describe('HTTP API: calibration from people’s verdicts in GET /api/insights', function () {
  this.timeout(120_000);
  let app: FastifyInstance;
  let writes: RoundWrites;
  /** Verdicts where the judge's call (judged 70 or more) was the person's. */
  let agreed = 0;

  before(async function () {
    const { db } = await testDatabase('pglite');
    await emptyTables(db);
    writes = roundWrites(db);
    app = buildWebServer({
      db,
      temporal: {} as Client,
      taskQueue: 'unused',
      assets: new LocalAssetStore({ rootDir: mkdtempSync(path.join(tmpdir(), 'calibration-')), publicUrl: 'http://localhost:3000' }),
      reviewers: [{ reviewer: 'ana', token: TOKEN }],
    });
    const rng = seededRng('calibration-insights');
    for (let sceneId = 1; sceneId <= 100; sceneId++) {
      await writes.saveScene(sceneRequest({ id: sceneId, contentType: 'Product' }));
      const quality = 40 + 55 * rng();
      const judged = Math.round(quality + 8 * gaussian(rng) + 3 * gaussian(rng));
      const { approve } = simulatedReview(quality, 'product', { bars: DEFAULT_REVIEWER_BARS, sigma: 3 }, rng);
      const key = { workflowId: `regenerate-scene-${sceneId}`, runId: 'r', round: 1 };
      if (approve === judged >= 70) agreed++;
      const decision = approve ? { action: 'approve' as const } : { action: 'reject' as const };
      if (judged >= 70) {
        // Passed: sampled for an audit, labelled through the API.
        const ref = { ...key, sceneId, projectId: 7 };
        const { entryId } = await writes.store.requestAudit({ ref, sceneIndex: sceneId, bestScore: judged, bestAttemptNumber: 1, attempts: [attempt(1, 1, judged)], requestedAt: new Date().toISOString() });
        const labelled = await app.inject({ method: 'POST', url: `/api/review-queue/${entryId}/decision`, headers: { authorization: `Bearer ${TOKEN}` }, payload: decision });
        assert.equal(labelled.statusCode, 200, labelled.body);
        continue;
      }
      await writes.escalateToReview({
        ...key,
        sceneId,
        projectId: 7,
        sceneIndex: sceneId,
        reason: 'auto_regeneration_failed',
        bestScore: judged,
        bestAttemptNumber: 1,
        attempts: [attempt(1, 1, judged)],
        escalatedAt: new Date().toISOString(),
      });
      await writes.closeReviewEntry({ ...key, decision: { ...decision, reviewer: 'ana' }, decidedAt: new Date().toISOString() });
    }
  });

  after(async () => {
    await app?.close();
  });

  it('finds the judged score at which people accept half the time within ±3 of their hidden bar, with its uncertainty', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/insights', headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(response.statusCode, 200);
    const [product, ...others] = response.json<InsightsResponse>().calibration;
    assert.equal(others.length, 0);
    assert.equal(product!.contentType, 'product');
    assert.equal(product!.verdicts, 100);
    const bar = DEFAULT_REVIEWER_BARS.product!;
    assert.ok(Math.abs(product!.calibratedBar! - bar) <= 3, `calibrated ${product!.calibratedBar} vs hidden ${bar}`);
    assert.equal(product!.curve!.midpoint, product!.calibratedBar);
    assert.ok(product!.curve!.standardError > 0.5 && product!.curve!.standardError < 4, JSON.stringify(product!.curve));
    assert.equal(product!.byScore.reduce((n, bin) => n + bin.verdicts, 0), 100);
  });

  it('says how often the judge’s call was people’s, with a 95 % interval around it', async () => {
    const body = (await app.inject({ method: 'GET', url: '/api/insights', headers: { authorization: `Bearer ${TOKEN}` } })).json<InsightsResponse>();
    const { agreement } = body.calibration[0]!;
    assert.equal(agreement.count, agreed);
    assert.equal(agreement.of, 100);
    assert.ok(agreement.low! < agreement.rate! && agreement.rate! < agreement.high!, JSON.stringify(agreement));
    assert.ok(agreement.high! - agreement.low! > 0.1 && agreement.high! - agreement.low! < 0.25, JSON.stringify(agreement));
  });
});
