import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import type { Db } from '../../src/db/database';
import { LocalAssetStore } from '../../src/storage/local-asset-store';
import { registerReviewUi } from '../../src/web/serve-ui';
import { buildWebServer } from '../../src/web/server';
import { roundWrites } from '../db/round-writes';
import { attempt, sceneRequest } from '../db/fixtures';
import { emptyTables, testDatabase } from '../db/test-databases';
import { buildReviewPage } from './build-review-page';
import { launchChromium } from './chromium';

const TOKEN = 'browser-test-token-0123456789';

/**
 * The Insights view draws what people accept by judged score per content type (with the bars
 * marked) and cost per passed scene per provider, and keeps its tables. The web server reads a
 * PGlite database seeded through the round's own writes; no Temporal is needed.
 */
describe('review page: the Insights charts and audit entries', function () {
  this.timeout(180_000);
  let dataDir: string;
  let db: Db;
  let web: FastifyInstance;
  let pageUrl: string;
  let browser: Browser;
  let page: Page;

  before(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'insights-charts-'));
    const distDir = path.join(dataDir, 'ui-dist');
    [{ db }] = await Promise.all([testDatabase('pglite'), buildReviewPage(distDir)]);
    await emptyTables(db);
    await seed(db);
    web = buildWebServer({
      db,
      temporal: {} as Client,
      taskQueue: 'unused',
      assets: new LocalAssetStore({ rootDir: dataDir, publicUrl: 'http://localhost:3000' }),
      reviewers: [{ reviewer: 'ana', token: TOKEN }],
    });
    registerReviewUi(web, { distDir });
    pageUrl = await web.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.addInitScript((token) => sessionStorage.setItem('review-api-token', token), TOKEN);
    page = await context.newPage();
  });

  after(async () => {
    await browser?.close();
    await web?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('draws the share people accept by judged score per content type, with the configured and calibrated bars', async () => {
    await page.goto(`${pageUrl}/#/insights`);
    await page.getByRole('heading', { name: /^Insights/ }).waitFor();
    for (const contentType of ['food', 'product']) {
      const chart = page.locator(`[data-chart="acceptance:${contentType}"]`);
      await chart.locator('svg.recharts-surface').waitFor();
      // One dot per 5-point bin with verdicts, the fitted curve, and both bars.
      assert.ok((await chart.locator('.recharts-scatter-symbol').count()) >= 4, `${contentType}: dots`);
      assert.equal(await chart.locator('.recharts-line path.recharts-curve').count(), 1, `${contentType}: curve`);
      assert.equal(await chart.locator('.recharts-reference-line').count(), 2, `${contentType}: bars`);
      assert.match(await chart.innerText(), /configured[\s\S]*calibrated|calibrated[\s\S]*configured/);
    }
  });

  it('draws cost per passed scene per provider, cheapest first', async () => {
    const chart = page.locator('[data-chart="cost-per-pass"]');
    await chart.locator('svg.recharts-surface').waitFor();
    assert.equal(await chart.locator('.recharts-bar-rectangle').count(), 2);
    const text = await chart.innerText();
    assert.ok(text.indexOf('falai') < text.indexOf('kling'), text);
  });

  it('keeps the tables for keyboards and screen readers: the verdicts per content type and the providers', async () => {
    const product = page.locator('[data-row="calibration:product"]');
    assert.match(await product.innerText(), /24 \(\d+ accepted\)/);
    assert.match(await product.innerText(), /people accept half the time at a judged \d+\.\d \(± \d+\.\d\)/);
    assert.match(await product.innerText(), /judge and people agree in \d+ of 24 verdicts \(\d+%, \d+%–\d+%\)/);
    assert.equal(await page.locator('.insights-table tbody tr').count(), 2);
    assert.match(await page.locator('[data-row="kling:product:video"]').innerText(), /\$1\.20/);
    // The pictures are hidden from assistive technology; the tables say the same.
    assert.equal(await page.locator('.chart-grid').getAttribute('aria-hidden'), 'true');
  });

  it('shows a pending audit in the queue with an Audit tag, and asks only approve or reject of it', async () => {
    const writes = roundWrites(db);
    await writes.saveScene(sceneRequest({ id: 900, contentType: 'product' }));
    const ref = { workflowId: 'regenerate-scene-900', runId: 'r', round: 1, sceneId: 900, projectId: 7 };
    const passed = attempt(1, 1, 83);
    const asset = { url: passed.assetUrl!, provider: passed.provider, analysis: passed.analysisResult!, score: 83 };
    const audit = { sceneIndex: 1, bestScore: 83, bestAttemptNumber: 1, attempts: [passed], requestedAt: new Date().toISOString() };
    await writes.steps.endRound({ ref, attempt: passed, scene: { outcome: 'passed', asset }, audit });

    await page.goto(`${pageUrl}/#/queue`);
    const card = page.locator('li.queue-entry[data-scene-id="900"]');
    await card.waitFor();
    assert.equal(await card.locator('.tag-reason').innerText(), 'Audit');

    await page.goto(`${pageUrl}/#/scenes/900`);
    const panel = page.locator('section[aria-labelledby="audit-title"]');
    await panel.waitFor();
    assert.deepEqual(await panel.locator('.decision-buttons button').allInnerTexts(), ['Approve', 'Reject…']);
    assert.equal(await page.getByRole('button', { name: /Regenerate/ }).count(), 0);
    await panel.getByRole('button', { name: 'Approve' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Accept' }).click();
    for (let i = 0; i < 50; i++) {
      const entry = await db.kysely.selectFrom('review_queue').select(['status', 'decided_by']).where('scene_id', '=', 900).executeTakeFirstOrThrow();
      if (entry.status === 'decided') {
        assert.equal(entry.decided_by, 'ana');
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.fail('the audit was not labelled');
  });
});

/** Verdicts around 74 (product) and 64 (food), escalations below 70 and audits above; kling and falai attempts. */
async function seed(db: Db): Promise<void> {
  const writes = roundWrites(db);
  let sceneId = 0;
  for (const [contentType, bar] of [['product', 74], ['food', 64]] as const) {
    for (let k = -12; k <= 12; k++) {
      if (k === 0) continue;
      const score = bar + 2 * k;
      const accepted = (k > 0) !== (Math.abs(k) % 5 === 0);
      const id = ++sceneId;
      await writes.saveScene(sceneRequest({ id, contentType }));
      const key = { workflowId: `regenerate-scene-${id}`, runId: 'r', round: 1 };
      const ref = { ...key, sceneId: id, projectId: 7 };
      const decision = accepted ? ({ action: 'approve', reviewer: 'ana' } as const) : ({ action: 'reject', reviewer: 'ana' } as const);
      if (score >= 70) {
        const { entryId } = await writes.store.requestAudit({ ref, sceneIndex: 1, bestScore: score, bestAttemptNumber: 1, attempts: [attempt(1, 1, score)], requestedAt: '2025-01-01T00:00:00.000Z' });
        await writes.closeReviewEntry({ ...key, entryId, decision, decidedAt: '2025-01-02T00:00:00.000Z' });
      } else {
        await writes.escalateToReview({ ...key, sceneId: id, projectId: 7, sceneIndex: 1, reason: 'auto_regeneration_failed', bestScore: score, bestAttemptNumber: 1, attempts: [attempt(1, 1, score)], escalatedAt: '2025-01-01T00:00:00.000Z' });
        await writes.closeReviewEntry({ ...key, decision, decidedAt: '2025-01-02T00:00:00.000Z' });
      }
    }
  }
  // kling on product video: 2 of 3 pass at $0.80 each ($1.20 per pass); falai on food image: 1 of 1 at $0.05.
  const product = ++sceneId;
  await writes.saveScene(sceneRequest({ id: product, contentType: 'product' }));
  for (const [n, score] of [[1, 75], [2, 80], [3, 50]] as const) {
    await writes.recordAttempt({ workflowId: `w-${product}-${n}`, runId: 'r', sceneId: product, projectId: 7, attempt: attempt(1, 1, score, { provider: 'kling', costUsd: 0.8 }) });
  }
  const food = ++sceneId;
  await writes.saveScene(sceneRequest({ id: food, contentType: 'food', duration: 0, provider: 'falai' }));
  await writes.recordAttempt({ workflowId: `w-${food}`, runId: 'r', sceneId: food, projectId: 7, attempt: attempt(1, 1, 82, { provider: 'falai', costUsd: 0.05 }) });
}
