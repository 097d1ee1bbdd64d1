import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { PipelineScene } from '../../src/domain/scene';
import { regenerationWorkflowId } from '../../src/domain/workflow-ids';
import { sceneAssetWorkflow } from '../../workflows';
import { uniqueSceneId } from '../helpers/scenes';
import { launchChromium } from './chromium';
import { startReviewStack, TOKEN, type ReviewStack } from './review-stack';

/**
 * Issue 25 item 5, end to end: the first asset of an image scene has one local defect 8 points
 * under the bar, so attempt 1 repairs it through fal's Kontext on the simulator (the stored asset
 * sent inline); the repair does not improve enough, two generations follow, and the round waits
 * for a person. The page shows the repair as before and after with the defect's box on both, and
 * what the instruction asked.
 */
describe('the review page shows a repair as before and after (Chromium, the whole stack)', function () {
  this.timeout(300_000);
  let review: ReviewStack;
  let browser: Browser;
  let page: Page;
  const region = { x: 0.4, y: 0.3, w: 0.2, h: 0.2 };
  const vase: PipelineScene = {
    id: uniqueSceneId(),
    projectId: uniqueSceneId(),
    sceneIndex: 0,
    sceneType: 'b-roll',
    contentType: 'object',
    narration: 'The vase holds the light.',
    visualDirection: 'A glass vase on a linen tablecloth',
    duration: 0,
    provider: 'falai',
  };

  before(async function () {
    this.timeout(300_000);
    [review, browser] = await Promise.all([startReviewStack(), launchChromium()]);
    review.stack.simulator!.setSettings({ edit: { fixChance: { falai: 1 }, damageRate: 0 } });
    review.stack.simulator!.setScenarios([
      { match: 'glass vase', scores: [62, 64, 50, 50], issues: [{ category: 'ai_artifacts', severity: 'medium', description: 'The rim of the vase is warped', region }] },
    ]);
    const result = await review.stack.client.workflow.execute(sceneAssetWorkflow, {
      taskQueue: review.stack.config.temporal.taskQueue,
      workflowId: `scene-asset-${vase.id}`,
      args: [{ scene: vase, project: { id: vase.projectId, name: 'Repairs' } }],
    });
    assert.equal(result.needsUserReview, true);
    page = await (await browser.newContext({ viewport: { width: 1366, height: 900 } })).newPage();
  });

  after(async function () {
    this.timeout(60_000);
    if (review) {
      const handle = review.stack.client.workflow.getHandle(regenerationWorkflowId(vase.id));
      await handle.cancel().catch(() => undefined);
      await handle.result().catch(() => undefined);
    }
    await browser?.close();
    await review?.stop();
  });

  it('attempt 1 was a repair through Kontext; the page shows it before and after with the defect boxed, and the instruction', async () => {
    const state = await review.stack.client.workflow.getHandle(regenerationWorkflowId(vase.id)).query<{ attempts: { kind?: string; provider: string; repair?: { sourceAssetUrl?: string } }[] }>('getRegenerationState');
    assert.deepEqual(state.attempts.map((a) => a.kind ?? 'generate'), ['repair', 'generate', 'generate']);
    assert.equal(state.attempts[0].provider, 'falai');
    const submissions = Object.values(review.stack.simulator!.calls().providers).reduce((sum, p) => sum + (p?.submissions ?? 0), 0);
    assert.equal(submissions, 4, 'the first asset, the repair and two generations');

    await page.goto(review.pageUrl);
    await page.evaluate((token) => sessionStorage.setItem('review-api-token', token), TOKEN);
    await page.reload();
    await page.getByRole('heading', { name: /Waiting for review/ }).waitFor();
    await page.goto(`${review.pageUrl}/#/scenes/${vase.id}`);
    const repair = page.getByRole('figure', { name: 'Attempt 1: repair, before and after' });
    await repair.waitFor({ timeout: 45_000 });
    const before = repair.locator('[data-side="before"] img');
    const after = repair.locator('[data-side="after"] img');
    await Promise.all([before, after].map((img) => img.evaluate((el: HTMLImageElement) => el.decode())));
    assert.equal(await before.getAttribute('src'), state.attempts[0].repair?.sourceAssetUrl);
    assert.notEqual(await after.getAttribute('src'), await before.getAttribute('src'));
    // The defect's box, drawn where the judge put it, on both sides.
    for (const side of ['before', 'after']) {
      const media = await repair.locator(`[data-side="${side}"] .repair-media`).boundingBox();
      const box = await repair.locator(`[data-side="${side}"] .defect-box`).boundingBox();
      assert.ok(media && box, `${side}: no box`);
      assert.ok(Math.abs(box.x - media.x - region.x * media.width) < 2, `${side}: box left`);
      assert.ok(Math.abs(box.width - region.w * media.width) < 2, `${side}: box width`);
      assert.equal(await repair.locator(`[data-side="${side}"] .defect-box`).getAttribute('title'), 'The rim of the vase is warped');
    }
    assert.match(await repair.locator('.repair-instruction').innerText(), /^Asked: Fix only these defects: 1\. The rim of the vase is warped \(in the area 40%-60% across and 30%-50% down the frame\)\./);
  });
});
