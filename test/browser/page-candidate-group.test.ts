import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { RegenerationResult } from '../../src/domain/regeneration';
import type { PipelineScene } from '../../src/domain/scene';
import { regenerationWorkflowId } from '../../src/domain/workflow-ids';
import { sceneAssetWorkflow } from '../../workflows';
import { uniqueSceneId } from '../helpers/scenes';
import { screenshotPath } from '../helpers/screenshot-path';
import { launchChromium } from './chromium';
import { startReviewStack, TOKEN, type ReviewStack } from './review-stack';

/** How long the page may take to notice what the workflow did: it polls every 2 s meanwhile. */
const CARRIED_OUT_MS = 45_000;

describe("the review page in Chromium: an attempt's candidates, grouped, and one not kept approved", function () {
  this.timeout(300_000);
  const projectId = uniqueSceneId();
  const lantern: PipelineScene = {
    id: uniqueSceneId(),
    projectId,
    sceneIndex: 0,
    sceneType: 'b-roll',
    contentType: 'object',
    narration: 'The lantern lights the way home.',
    visualDirection: 'A red paper lantern over a wet street',
    duration: 0,
    provider: 'falai',
  };
  let review: ReviewStack;
  let browser: Browser;
  let page: Page;

  before(async function () {
    this.timeout(300_000);
    [review, browser] = await Promise.all([startReviewStack(), launchChromium()]);
    // The first asset 30; the attempt's two candidates 55 and 57, within the band: Claude compares them.
    review.stack.simulator!.setScenarios([{ match: 'paper lantern', scores: [30, 55, 57] }]);
    const result = await review.stack.client.workflow.execute(sceneAssetWorkflow, {
      taskQueue: review.stack.config.temporal.taskQueue,
      workflowId: `scene-asset-${lantern.id}`,
      args: [{ scene: lantern, project: { id: projectId, name: 'Night film' }, policy: { candidates: 2, maxAttempts: 1 } }],
    });
    assert.equal(result.needsUserReview, true);
    page = await (await browser.newContext({ viewport: { width: 1366, height: 900 } })).newPage();
  });

  after(async function () {
    this.timeout(60_000);
    await browser?.close();
    await review?.stop();
  });

  it('shows both candidates side by side, the kept one marked with why, and approves the other', async () => {
    await page.goto(`${review.pageUrl}/#/scenes/${lantern.id}`);
    await page.getByLabel('API token').fill(TOKEN);
    await page.getByRole('button', { name: 'Continue' }).click();
    const group = page.locator('article[data-group="attempt-1-1"]');
    await group.first().waitFor();
    assert.equal(await group.count(), 2);
    assert.match(await page.locator('#attempts-title').innerText(), /Round 1: 1 attempt/);
    const kept = page.locator('article.is-kept-candidate');
    assert.equal(await kept.count(), 1);
    assert.match(await kept.locator('.kept-why').innerText(), /^Kept: /);
    assert.match(await kept.locator('.candidate-group').innerText(), /Candidate \d of 2 \(2 at once, as the policy asks\)/);
    const other = page.locator('article[data-group="attempt-1-1"]:not(.is-kept-candidate)');
    assert.match(await other.innerText(), /Not kept by the attempt; it can still be approved\./);
    const otherKey = (await other.getAttribute('data-candidate'))!;
    const otherNumber = Number(otherKey.split('-').at(-1));
    await page.screenshot({ path: screenshotPath('scene-candidates.png'), fullPage: true });

    await other.getByRole('radio').check();
    await page.getByRole('button', { name: `Approve attempt 1 · candidate ${otherNumber}` }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await dialog.getByRole('button', { name: `Approve attempt 1 · candidate ${otherNumber}` }).click();
    await page.locator('.banner-done', { hasText: `Done: Approved attempt 1, candidate ${otherNumber}` }).waitFor({ timeout: CARRIED_OUT_MS });

    const result: RegenerationResult = await review.stack.client.workflow.getHandle(regenerationWorkflowId(lantern.id)).result();
    assert.equal(result.outcome, 'approved');
    assert.deepEqual(result.review?.decision, { action: 'approve', attemptNumber: 1, candidate: otherNumber, reviewer: 'ana' });
    const candidate = result.attempts[0].candidates!.find((c) => c.candidate === otherNumber)!;
    assert.equal(candidate.kept, false);
    assert.equal(result.newAssetUrl, candidate.assetUrl);
  });
});
