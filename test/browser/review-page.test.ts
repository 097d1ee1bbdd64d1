import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { getScene, listReviewQueuePage } from '../../src/db/queries';
import { roundWrites } from '../db/round-writes';
import type { SceneView } from '../../src/domain/http-api';
import type { SceneAssetResult } from '../../src/domain/regeneration';
import type { RegenerationResult } from '../../src/domain/regeneration';
import type { PipelineScene } from '../../src/domain/scene';
import { sceneAssetWorkflow } from '../../workflows';
import { uniqueSceneId } from '../helpers/scenes';
import { waitUntilAsync } from '../helpers/wait-async';
import { screenshotPath } from '../helpers/screenshot-path';
import { launchChromium } from './chromium';
import { startReviewStack, TEMPORAL_UI_URL, TOKEN, type ReviewStack } from './review-stack';
import { regenerationWorkflowId } from '../../src/domain/workflow-ids';
import type { InsightsResponse, ReviewEntry } from '../../src/ui/page/api/types';
import { describeBestPick } from '../../src/ui/page/model/best-pick-text';
import { describeAgreement, formatAttempts, formatCostPerPassed, formatGain, formatKind, formatRate, insightRowKey } from '../../src/ui/page/model/insights-view';

const LAPTOP = { width: 1366, height: 900 };
const TABLET = { width: 820, height: 1180 };
/** How long the page may take to notice what the workflow did: it polls every 2 s meanwhile. */
const CARRIED_OUT_MS = 45_000;

describe('the review page in Chromium, on the real web server, worker, Temporal and simulator', function () {
  this.timeout(300_000);
  const projectId = uniqueSceneId();
  let review: ReviewStack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  // Three scenes that all escalate: a video scene whose best attempt is 1 by a clear margin
  // (attempt 2 is approved instead), an image scene whose starting asset stays the best (for
  // another round), and one whose top two are close enough for a pairwise judgment (to reject).
  const kettle = scene(0, 'A copper kettle on a gas stove', 'The copper kettle starts the morning.', 'luma', 5, 'product');
  const ramen = scene(1, 'A bowl of ramen on a wooden counter', 'Ramen, the way grandmother made it.', 'falai', 0, 'food');
  const forest = scene(2, 'A pine forest in the fog', 'The pine forest keeps its secrets.', 'falai', 0, 'nature');
  const escalations = new Map<number, SceneAssetResult>();

  function scene(
    sceneIndex: number,
    visualDirection: string,
    narration: string,
    provider: PipelineScene['provider'],
    duration: number,
    contentType: string,
  ): PipelineScene {
    return { id: uniqueSceneId(), projectId, sceneIndex, sceneType: 'b-roll', contentType, narration, visualDirection, duration, provider };
  }

  before(async function () {
    this.timeout(300_000);
    const [started, launched] = await Promise.all([startReviewStack(), launchChromium()]);
    review = started;
    browser = launched;
    const coldLight = [{ category: 'brand_compliance', severity: 'medium', description: 'cold clinical lighting' }] as const;
    review.stack.simulator!.setScenarios([
      // Original 40; attempt 1 improves to 55, the best by more than the uncertainty band; 2 and 3 score lower.
      { match: 'copper kettle', scores: [40, 55, 45, 42], issues: [...coldLight] },
      // Every attempt scores below the original in round 1; the reviewer's round passes at once.
      { match: 'ramen', scores: [42, 30, 32, 34, 88], issues: [{ category: 'composition', severity: 'low', description: 'cluttered counter' }] },
      // Attempt 3 (41) and attempt 2 (38) are within the band: Claude compares them.
      { match: 'pine forest', scores: [30, 35, 38, 41], issues: [{ category: 'technical', severity: 'high', description: 'soft focus' }] },
      { match: 'clay teapot', scores: [30, 35, 38, 41] },
    ]);
    const project = { id: projectId, name: 'Morning film' };
    const results = await Promise.all(
      [kettle, ramen, forest].map((s) =>
        review.stack.client.workflow.execute(sceneAssetWorkflow, {
          taskQueue: review.stack.config.temporal.taskQueue,
          workflowId: `scene-asset-${s.id}`,
          args: [{ scene: s, project }],
        }),
      ),
    );
    results.forEach((result) => escalations.set(result.sceneId, result));
    context = await browser.newContext({ viewport: LAPTOP });
    page = await context.newPage();
  });

  after(async function () {
    this.timeout(60_000);
    await browser?.close();
    await review?.stop();
  });

  it('escalates all three scenes (the setup the page is tested on)', () => {
    for (const s of [kettle, ramen, forest]) {
      const result = escalations.get(s.id);
      assert.equal(result?.needsUserReview, true, `scene ${s.visualDirection} did not escalate`);
    }
  });

  it('refuses a wrong token and says so, then keeps a right one for the tab', async () => {
    const fresh = await browser.newContext({ viewport: LAPTOP });
    try {
      const tab = await fresh.newPage();
      await tab.goto(review.pageUrl);
      await tab.getByLabel('API token').fill('not-the-token');
      await tab.getByRole('button', { name: 'Continue' }).click();
      const alert = tab.getByRole('alert');
      await alert.waitFor();
      assert.match(await alert.innerText(), /refused this token/);
      assert.equal(await tab.evaluate(() => sessionStorage.length), 0);

      await tab.getByLabel('API token').fill(TOKEN);
      await tab.getByRole('button', { name: 'Continue' }).click();
      await tab.getByRole('heading', { name: /Waiting for review/ }).waitFor();
      // A reload keeps the token: it is asked once per tab.
      await tab.reload();
      await tab.getByRole('heading', { name: /Waiting for review/ }).waitFor();
      assert.equal(await tab.getByLabel('API token').count(), 0);

      // A token the server stops accepting sends the tab back to the question, saying why.
      await tab.evaluate(() => sessionStorage.setItem('review-api-token', 'revoked-token'));
      await tab.reload();
      await tab.getByLabel('API token').waitFor();
      assert.match(await tab.getByRole('status').first().innerText(), /refused the token this tab had/);
      assert.equal(await tab.evaluate(() => sessionStorage.length), 0);
    } finally {
      await fresh.close();
    }
  });

  it('lists the pending entries of a project newest first with scene, best score, wait and count', async () => {
    await signIn(page);
    await page.goto(`${review.pageUrl}/#/queue?project=${projectId}`);
    const cards = page.locator('li.queue-entry');
    await waitForCount(cards, 3);

    const { items: expected } = await listReviewQueuePage(review.stack.db, { status: 'pending', projectId });
    const shownSceneIds = await cards.evaluateAll((items) => items.map((item) => Number(item.getAttribute('data-scene-id'))));
    assert.deepEqual(shownSceneIds, expected.map((e) => e.sceneId), 'newest first, as the API orders them');
    assert.equal((await page.locator('h1 .count-badge').innerText()).trim(), '3');

    const kettleCard = page.locator(`li.queue-entry[data-scene-id="${kettle.id}"]`);
    await kettleCard.getByText(kettle.narration).waitFor();
    const text = await kettleCard.innerText();
    // Projects go by their names; the id is a filter's business.
    assert.match(text, /Morning film · Scene 0/);
    assert.doesNotMatch(text, new RegExp(`Project ${projectId}`));
    const projectOption = page.locator('.project-filter option', { hasText: 'Morning film' });
    assert.equal(await projectOption.getAttribute('value'), String(projectId));
    assert.match(text, /A copper kettle on a gas stove/);
    assert.match(text, /Best\s*55/);
    assert.match(text, /Best: attempt 1 by luma \(55\): highest score \(55, next 45\)/);
    assert.match(text, /3 attempts/);
    assert.match(text, /waiting \d+ (s|min)/);
    const workflowLink = await kettleCard.getByRole('link', { name: /Workflow in Temporal/ }).getAttribute('href');
    assert.equal(workflowLink, `${TEMPORAL_UI_URL}/namespaces/default/workflows/${regenerationWorkflowId(kettle.id)}`);

    await waitForMedia(page);
    await page.screenshot({ path: screenshotPath('queue.png'), fullPage: true });
  });

  it('shows every attempt beside the original, with media that load in boxes of their own shape', async () => {
    await page.locator(`li.queue-entry[data-scene-id="${kettle.id}"] h2 a`).click();
    await page.getByRole('heading', { name: 'Morning film · Scene 0' }).waitFor();
    assert.match(await page.locator('.scene-facts').innerText(), new RegExp(`Project id\\s*${projectId}`));
    const candidates = page.locator('article.candidate');
    await waitForCount(candidates, 4);
    const keys = await candidates.evaluateAll((items) => items.map((item) => item.getAttribute('data-candidate')));
    assert.deepEqual(keys, ['start', 'attempt-1-1', 'attempt-1-2', 'attempt-1-3']);

    const best = page.locator('article.candidate.is-best');
    assert.equal(await best.count(), 1);
    assert.equal(await best.getAttribute('data-candidate'), 'attempt-1-1');
    // It says why it is the best, on the card and in the badge's title.
    assert.equal(await best.locator('.best-why').innerText(), 'Best: highest score (55, next 45)');
    assert.equal(await best.locator('.tag-best').innerText(), 'Best');
    assert.equal(await best.locator('.tag-best').getAttribute('title'), 'Best: highest score (55, next 45)');
    assert.equal(await page.locator('.tag-best').count(), 1);

    const stored = (await getScene(review.stack.db, kettle.id))!;
    const attempts = stored.regenerationAttempts;
    assert.deepEqual(attempts.map((a) => a.provider), ['luma', 'kling', 'luma']);
    for (const attempt of attempts) {
      const card = page.locator(`article[data-candidate="attempt-1-${attempt.attemptNumber}"]`);
      const cardText = await card.innerText();
      assert.ok(cardText.includes(attempt.provider), `attempt ${attempt.attemptNumber} names its provider`);
      assert.match(cardText, new RegExp(`Score\\s*${Math.round(attempt.scoreAfter)}`));
      assert.match(cardText, /cold clinical lighting/, 'lists the issues');
      if (attempt.costUsd !== undefined) assert.match(cardText, /\$\d/, 'shows what it cost');
      // The fix phrase this attempt added to the prompt is marked as a change.
      const added = await card.locator('.prompt ins').allInnerTexts();
      assert.ok(added.join(' ').length > 0, `attempt ${attempt.attemptNumber} highlights its prompt changes`);
      const video = card.locator('video');
      assert.equal(await video.count(), 1, 'a video scene shows playable clips');
      assert.equal(await video.getAttribute('controls'), '');
    }
    assert.match(await page.locator('article[data-candidate="attempt-1-1"] .prompt ins').first().innerText(), /warm golden natural lighting/);
    // Attempt 1 started from the judge's improved prompt, not the visual direction: that base is
    // shown unmarked and only what the attempt added is marked.
    const judged = stored.analysis?.improvedPrompt;
    assert.ok(judged && judged !== kettle.visualDirection, 'the judge improved the prompt');
    const attempt1 = page.locator('article[data-candidate="attempt-1-1"] .prompt');
    assert.equal(await attempt1.locator('del').count(), 0, 'nothing of its base is struck out');
    await page.locator('article[data-candidate="attempt-1-1"]').getByText('changes against the judge’s improved prompt it was built on').waitFor();
    const unmarked = await attempt1.evaluate((element) => {
      const copy = element.cloneNode(true) as HTMLElement;
      copy.querySelectorAll('ins, del').forEach((changed) => changed.remove());
      return copy.textContent ?? '';
    });
    assert.ok(unmarked.startsWith(judged.trim().replace(/[.\s]+$/, '')), unmarked);

    // A prompt box that scrolls is a whole number of lines high and says there is more.
    await page.setViewportSize({ width: 700, height: 900 });
    const promptBoxes = () =>
      page.locator('article.candidate .prompt').evaluateAll((items) =>
        items.map((element) => {
          const style = getComputedStyle(element);
          const frame = parseFloat(style.paddingTop) + parseFloat(style.borderTopWidth) + parseFloat(style.borderBottomWidth);
          const more = element.parentElement?.querySelector('.prompt-more');
          return {
            overflows: element.scrollHeight > element.clientHeight + 1,
            lines: (element.getBoundingClientRect().height - frame) / parseFloat(style.lineHeight),
            more: Boolean(more && (more as HTMLElement).offsetHeight > 0),
            faded: element.parentElement?.classList.contains('has-more') ?? false,
          };
        }),
      );
    await page.waitForFunction(() => document.querySelectorAll('.prompt-more').length > 0, undefined, { timeout: 5_000 });
    const measured = await promptBoxes();
    assert.ok(measured.some((box) => box.overflows), 'a narrow screen makes some prompt scroll');
    for (const box of measured) {
      if (box.overflows) {
        assert.ok(Math.abs(box.lines - Math.round(box.lines)) < 0.05, `whole lines: ${box.lines}`);
        assert.ok(box.more && box.faded, 'a scrolling box says there is more');
      } else {
        assert.ok(!box.more && !box.faded, 'a box that fits says nothing');
      }
    }
    const scrolling = page.locator('article.candidate .prompt-box.has-more .prompt').first();
    await scrolling.evaluate((element) => element.scrollTo({ top: element.scrollHeight }));
    await page.waitForFunction(
      () => Array.from(document.querySelectorAll('.prompt-box')).some((box) => !box.classList.contains('has-more') && box.querySelector('.prompt')!.scrollTop > 0),
      undefined,
      { timeout: 5_000 },
    );
    await page.setViewportSize(LAPTOP);

    await waitForMedia(page);
    const boxes = await page.locator('article.candidate .media-box').evaluateAll((items) =>
      items.map((item) => {
        const rect = item.getBoundingClientRect();
        const media = item.querySelector('video, img') as HTMLVideoElement | HTMLImageElement | null;
        const loaded =
          media instanceof HTMLVideoElement ? media.readyState >= 1 && media.duration > 0 : media instanceof HTMLImageElement && media.naturalWidth > 0;
        return { ratio: rect.width / rect.height, loaded };
      }),
    );
    assert.equal(boxes.length, 4);
    const shapes = [stored.asset, ...attempts.map((a) => a.asset)];
    boxes.forEach((box, index) => {
      assert.ok(box.loaded, `media ${index} loaded`);
      const shape = shapes[index];
      if (shape?.width && shape.height) {
        assert.ok(Math.abs(box.ratio - shape.width / shape.height) < 0.02, `box ${index} has its asset's shape`);
      }
    });
    // Cosmetic only: the players' loading spinners fade out a moment after the clips are ready.
    await page.waitForTimeout(1_500);
    await page.screenshot({ path: screenshotPath('scene.png'), fullPage: true });
  });

  it('approving attempt 2 closes the entry; the workflow result and the scene record show attempt 2', async () => {
    const attempt2 = (await getScene(review.stack.db, kettle.id))!.regenerationAttempts.find((a) => a.attemptNumber === 2)!;
    assert.ok(attempt2.assetUrl);
    await page.locator('article[data-candidate="attempt-1-2"]').getByRole('radio').check();
    await page.getByRole('button', { name: 'Approve attempt 2' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    assert.match(await dialog.innerText(), /attempt 2 by kling/);
    await dialog.getByLabel('Note (optional)').fill('warmer than the best');
    await dialog.getByRole('button', { name: 'Approve attempt 2' }).click();

    await page.locator('.banner-done', { hasText: 'Done: Approved attempt 2' }).waitFor({ timeout: CARRIED_OUT_MS });
    // "Done" waits for the scene record: the header says the same thing in the same frame.
    const header = await page.locator('.scene-summary .scene-title-row').innerText();
    assert.match(header, /approved/i, header);
    assert.match(header, new RegExp(`Scene score\\s*${Math.round(attempt2.scoreAfter)}`), header);
    const result: RegenerationResult = await review.stack.client.workflow.getHandle(regenerationWorkflowId(kettle.id)).result();
    assert.equal(result.outcome, 'approved');
    assert.deepEqual(result.review?.decision, { action: 'approve', attemptNumber: 2, note: 'warmer than the best', reviewer: 'ana' });
    assert.equal(result.newAssetUrl, attempt2.assetUrl);
    await waitForScene(kettle.id, (s) => s.status === 'approved');
    const after = (await getScene(review.stack.db, kettle.id))!;
    assert.equal(after.assetUrl, attempt2.assetUrl);
    assert.equal(after.qualityScore, attempt2.scoreAfter);
    // The page keeps looking until the scene record settles, then marks what the scene kept.
    await page.locator('article[data-candidate="attempt-1-2"] .tag-kept').waitFor({ timeout: 15_000 });
    assert.equal(await page.locator('.tag-kept').count(), 1);
    // The badges explain each other: who kept attempt 2 although the judge scored it below the
    // bar, and that attempt 1 was the judge's best; no card says "failed" beside "Kept".
    const kept = page.locator('article[data-candidate="attempt-1-2"]');
    assert.equal(await kept.locator('.tag-kept').innerText(), 'Kept by ana');
    assert.equal(await kept.locator('.kept-note').innerText(), 'Approved by ana although the judge scored it below the bar.');
    assert.deepEqual(await kept.locator('.tag').allInnerTexts(), ['Kept by ana']);
    const judgesBest = page.locator('article[data-candidate="attempt-1-1"]');
    assert.equal(await judgesBest.locator('.tag-judges-best').innerText(), 'Judge’s best');
    assert.equal(await judgesBest.locator('.tag-judges-best').getAttribute('title'), 'The judge ranked it best; ana kept another asset.');
    assert.equal(await judgesBest.locator('.best-why').innerText(), 'Best: highest score (55, next 45)');
    assert.equal(await page.locator('.tag-best').count(), 0, 'no plain "Best" once the round is decided');
    await page.screenshot({ path: screenshotPath('scene-decided.png'), fullPage: true });

    // Back in the queue (no reload), the entry is gone and the decided list has it.
    await page.evaluate((hash) => (window.location.hash = hash), `#/queue?project=${projectId}`);
    await waitForCount(page.locator('li.queue-entry'), 2);
    assert.equal(await page.locator(`li.queue-entry[data-scene-id="${kettle.id}"]`).count(), 0);
    await page.getByText('Decided', { exact: true }).click();
    const decided = page.locator(`li.queue-entry[data-scene-id="${kettle.id}"]`);
    await decided.waitFor();
    // The decided list shows what was kept, not the judge's best.
    const decidedText = await decided.innerText();
    assert.match(decidedText, /Approved attempt 2 by ana/);
    assert.match(decidedText, new RegExp(`Kept: attempt 2 by kling \\(${Math.round(attempt2.scoreAfter)}\\)`));
    assert.match(decidedText, new RegExp(`Kept\\s*${Math.round(attempt2.scoreAfter)}`));
    assert.doesNotMatch(decidedText, /Best: attempt 1/);
    assert.equal(await decided.locator('.thumbnail video').getAttribute('src'), attempt2.assetUrl);
  });

  it('regenerate with an edited prompt starts a new round whose first attempt uses that prompt', async () => {
    await page.goto(`${review.pageUrl}/#/scenes/${ramen.id}`);
    await waitForCount(page.locator('article.candidate'), 4);
    // Nothing improved on the original, so it is the best and its prompt fills the form.
    assert.equal(await page.locator('article.candidate.is-best').getAttribute('data-candidate'), 'start');
    assert.equal(await page.locator('article.candidate.is-best .best-why').innerText(), 'Best: highest score (42, next 34)');
    await page.getByRole('button', { name: 'Regenerate…' }).click();
    const prompt = page.getByLabel('Prompt for the next round');
    assert.equal(await prompt.inputValue(), ramen.visualDirection);
    const edited = 'A steaming bowl of ramen seen from above on a dark slate counter';
    await prompt.fill(edited);
    await page.getByLabel('Provider').selectOption('flux');
    await page.getByRole('button', { name: 'Start another round' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Start the round' }).click();

    const firstOfRound2 = page.locator('article[data-candidate="attempt-2-1"]');
    await firstOfRound2.waitFor({ timeout: CARRIED_OUT_MS });
    // The prompt as sent: the card also shows, struck through, what the previous prompt had.
    const shownPrompt = await firstOfRound2.locator('.prompt').evaluate((element) => {
      const copy = element.cloneNode(true) as HTMLElement;
      copy.querySelectorAll('del').forEach((removed) => removed.remove());
      return copy.textContent ?? '';
    });
    assert.ok(shownPrompt.startsWith(edited), shownPrompt);
    await waitForScene(ramen.id, (s) => s.status === 'passed');
    const stored = (await getScene(review.stack.db, ramen.id))!;
    const round2 = stored.regenerationAttempts.filter((a) => a.round === 2);
    assert.equal(round2[0]?.attemptNumber, 1);
    assert.equal(round2[0].provider, 'flux');
    assert.ok(round2[0].prompt.startsWith(edited), round2[0].prompt);
    const entries = (await listReviewQueuePage(review.stack.db, { status: 'all', projectId })).items.filter((e) => e.sceneId === ramen.id);
    assert.deepEqual(entries.map((e) => [e.round, e.status, e.decision?.action]), [[1, 'decided', 'regenerate']]);
  });

  it('rejects with a note from the keyboard alone and the entry closes', async () => {
    await page.goto(`${review.pageUrl}/#/scenes/${forest.id}`);
    await waitForCount(page.locator('article.candidate'), 4);
    // The top two were within the band: the badge is where the pairwise judgment put it, and says so.
    const [waiting] = (await listReviewQueuePage(review.stack.db, { status: 'pending', projectId })).items.filter((e) => e.sceneId === forest.id);
    const pick = (waiting as ReviewEntry | undefined)?.bestPick;
    assert.ok(pick, 'the queue entry records the best pick');
    assert.ok(pick.reason === 'pairwise' || pick.reason === 'pairwise_split', pick.reason);
    const bestCard = page.locator('article.candidate.is-best');
    assert.equal(await bestCard.getAttribute('data-candidate'), pick.attemptNumber === undefined ? 'start' : `attempt-1-${pick.attemptNumber}`);
    assert.equal(await bestCard.locator('.best-why').innerText(), describeBestPick(pick));
    await tabTo(page, 'button', 'Reject…');
    await page.keyboard.press('Enter');
    await tabTo(page, '#reject-note');
    await page.keyboard.type('Out of focus on every try');
    await tabTo(page, 'button', 'Reject the scene');
    await page.keyboard.press('Enter');
    await page.getByRole('dialog').waitFor();
    // The dialog's own confirm button has the focus.
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Reject the scene');
    await page.keyboard.press('Enter');

    await page.locator('.banner-done', { hasText: 'Done: Rejected' }).waitFor({ timeout: CARRIED_OUT_MS });
    assert.match(await page.locator('.scene-summary .status-pill').innerText(), /rejected/i);
    const result: RegenerationResult = await review.stack.client.workflow.getHandle(regenerationWorkflowId(forest.id)).result();
    assert.equal(result.outcome, 'rejected');
    await waitForScene(forest.id, (s) => s.status === 'rejected');
    const stored = (await getScene(review.stack.db, forest.id))!;
    assert.equal(stored.assetUrl, undefined);
    const [entry] = (await listReviewQueuePage(review.stack.db, { status: 'all', projectId })).items.filter((e) => e.sceneId === forest.id);
    assert.equal(entry.status, 'decided');
    assert.equal(entry.decidedBy, 'ana');
    assert.deepEqual(entry.decision, { action: 'reject', note: 'Out of focus on every try', reviewer: 'ana' });
    // The header reads the whole queue on its own schedule, and other files' rounds share the
    // database: the badge catches up with the count rather than matching it at one instant.
    const badge = page.locator('.app-header .count-badge');
    await waitUntilAsync(async () => (await badge.innerText()).trim() === String(await pendingCount()), 15_000, 'header badge = pending entries');
    // Nothing is kept: the judge's best says the reviewer rejected the scene.
    const judgesBest = page.locator('.tag-judges-best');
    await judgesBest.waitFor({ timeout: 15_000 });
    assert.equal(await judgesBest.getAttribute('title'), 'The judge ranked it best; ana rejected the scene.');
    assert.equal(await page.locator('.tag-kept').count(), 0);

    // The decided list says so too, with no thumbnail and no score of an asset the scene does not have.
    await page.goto(`${review.pageUrl}/#/queue?project=${projectId}&status=decided`);
    const decided = page.locator(`li.queue-entry[data-scene-id="${forest.id}"]`);
    await decided.getByText('Rejected: no asset kept').waitFor();
    const decidedText = await decided.innerText();
    assert.match(decidedText, /Rejected by ana/);
    assert.doesNotMatch(decidedText, /Best/);
    assert.equal(await decided.locator('.thumbnail video, .thumbnail img').count(), 0);
  });

  it('shows how each provider does and how often reviewers keep the judge’s best, reachable from the keyboard', async () => {
    await page.goto(`${review.pageUrl}/#/queue?project=${projectId}`);
    await page.getByRole('heading', { name: /Waiting for review/ }).waitFor();
    await tabTo(page, 'a', 'This project’s insights');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: /^Insights/ }).waitFor();
    assert.match(page.url(), new RegExp(`#/insights\\?project=${projectId}$`));

    const response = await fetch(`${review.pageUrl}/api/insights?projectId=${projectId}`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    assert.equal(response.status, 200);
    const insights = (await response.json()) as InsightsResponse;
    // This project's reviewer decisions: one approval (attempt 2, not the judge's best); the
    // other round was rejected and one asked for another round, neither an approval.
    assert.deepEqual(insights.agreement, { decided: 1, approvedJudgesBest: 0, rate: 0 });
    assert.equal(await page.locator('.agreement').innerText(), describeAgreement(insights.agreement));
    assert.equal(describeAgreement(insights.agreement), 'Reviewers approved the judge’s best in 0 of 1 decision (0%)');

    const rows = page.locator('.insights-table tbody tr');
    await waitForCount(rows, insights.providers.length);
    assert.ok(insights.providers.some((p) => p.provider === 'luma' && p.contentType === 'product' && p.kind === 'video'), 'the kettle attempts by luma');
    for (const expected of insights.providers) {
      const cells = await page.locator(`tr[data-row="${insightRowKey(expected)}"]`).locator('th, td').allInnerTexts();
      assert.deepEqual(cells.map((c) => c.trim()), [
        expected.provider,
        expected.contentType,
        formatKind(expected),
        formatAttempts(expected),
        formatRate(expected.passRate),
        formatGain(expected.meanGain),
        formatCostPerPassed(expected),
      ]);
    }
    // Sorting is a button in each column head: Enter on "Pass rate" sorts by it, highest first.
    await tabTo(page, 'button', 'Pass rate');
    await page.keyboard.press('Enter');
    assert.equal(await page.locator('th', { hasText: 'Pass rate' }).getAttribute('aria-sort'), 'descending');
    const shownRates = await page.locator('.insights-table tbody tr td:nth-child(5)').allInnerTexts();
    const sortedRates = [...insights.providers]
      .map((p) => p.passRate)
      .sort((a, b) => (a === null ? 1 : b === null ? -1 : b - a))
      .map((rate) => formatRate(rate));
    assert.deepEqual(shownRates.map((r) => r.trim()), sortedRates);
    await page.screenshot({ path: screenshotPath('insights.png'), fullPage: true });
  });

  it('fits a tablet screen without sideways scrolling', async () => {
    const tablet = await browser.newContext({ viewport: TABLET, hasTouch: true });
    try {
      const tab = await tablet.newPage();
      await signIn(tab);
      for (const hash of [`#/queue?project=${projectId}&status=all`, `#/scenes/${kettle.id}`]) {
        await tab.goto(`${review.pageUrl}/${hash}`);
        await tab.locator('li.queue-entry, article.candidate').first().waitFor();
        const overflow = await tab.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        assert.equal(overflow, 0, `${hash} scrolls sideways by ${overflow}px`);
      }
    } finally {
      await tablet.close();
    }
  });

  it('cancels a round awaiting review after a confirmation: the entry closes as cancelled, the scene is analyzed again', async () => {
    // A project of its own, so the queue the other cases count is not changed.
    const teapot = { ...scene(0, 'A clay teapot on a shelf', 'The teapot waits.', 'falai', 0, 'object'), projectId: uniqueSceneId() };
    const escalated = await review.stack.client.workflow.execute(sceneAssetWorkflow, {
      taskQueue: review.stack.config.temporal.taskQueue,
      workflowId: `scene-asset-${teapot.id}`,
      args: [{ scene: teapot, project: { id: teapot.projectId, name: 'Teapots' } }],
    });
    assert.equal(escalated.needsUserReview, true);
    await signIn(page);
    await page.goto(`${review.pageUrl}/#/scenes/${teapot.id}`);
    await page.getByRole('button', { name: 'Cancel this round…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel the round' }).click();
    const result: RegenerationResult = await review.stack.client.workflow.getHandle(regenerationWorkflowId(teapot.id)).result();
    assert.equal(result.outcome, 'cancelled');
    await waitForScene(teapot.id, (s) => s.status === 'analyzed');
    const [entry] = (await listReviewQueuePage(review.stack.db, { status: 'all', projectId: teapot.projectId })).items;
    assert.equal(entry?.status, 'cancelled');
    // Nothing left to cancel: the page offers a new round instead.
    await page.getByRole('button', { name: 'Regenerate this scene…' }).waitFor({ timeout: CARRIED_OUT_MS });
    assert.equal(await page.getByRole('button', { name: 'Cancel this round…' }).count(), 0);
  });

  it('reads the whole queue, page after page, not only its first 200 entries', async () => {
    // A project of its own with 205 closed entries for one scene: one scene to fetch, and the
    // pending queue the other cases count is not changed.
    const many = { ...scene(0, 'A clay teapot on a shelf', 'The teapot waits.', 'falai', 0, 'object'), projectId: uniqueSceneId() };
    await roundWrites(review.stack.db).saveScene({ scene: many, project: { id: many.projectId, name: 'Long queue' } });
    const created = Date.now() - 3_600_000;
    await review.stack.db.kysely
      .insertInto('review_queue')
      .values(
        Array.from({ length: 205 }, (_, index) => ({
          scene_id: many.id,
          project_id: many.projectId,
          scene_index: 0,
          workflow_id: regenerationWorkflowId(many.id),
          run_id: 'paging-run',
          round: index + 1,
          reason: 'auto_regeneration_failed',
          best_score: 40,
          best_attempt_number: null,
          attempts: JSON.stringify([]),
          status: 'expired' as const,
          close_reason: 'paging test',
          decided_at: new Date(created + index * 1000),
          created_at: new Date(created + index * 1000),
        })),
      )
      .execute();
    await signIn(page);
    await page.goto(`${review.pageUrl}/#/queue?project=${many.projectId}&status=all`);
    await waitForCount(page.locator('li.queue-entry'), 205);
    assert.equal((await page.locator('h1 .count-badge').innerText()).trim(), '205');
    const rounds = await page.locator('li.queue-entry').evaluateAll((items) => new Set(items.map((item) => item.getAttribute('data-entry-id'))).size);
    assert.equal(rounds, 205, 'every entry once');
    await page.locator('li.queue-entry', { hasText: 'Long queue · Scene 0' }).first().waitFor();
  });

  it("shows that a round stopped because the project's budget ran out", async () => {
    // A project of its own whose budget its first asset already spends: the round starts no
    // attempt and waits for a person with reason budget_exhausted.
    const teapot = { ...scene(0, 'A clay teapot on a shelf', 'The teapot waits.', 'falai', 0, 'object'), projectId: uniqueSceneId() };
    const escalated = await review.stack.client.workflow.execute(sceneAssetWorkflow, {
      taskQueue: review.stack.config.temporal.taskQueue,
      workflowId: `scene-asset-${teapot.id}`,
      args: [{ scene: teapot, project: { id: teapot.projectId, name: 'Tight budget', budgetUsd: 0.001 } }],
    });
    assert.equal(escalated.needsUserReview, true);
    const [entry] = (await listReviewQueuePage(review.stack.db, { status: 'all', projectId: teapot.projectId })).items;
    assert.equal(entry?.reason, 'budget_exhausted');
    await signIn(page);
    await page.goto(`${review.pageUrl}/#/scenes/${teapot.id}`);
    await page.locator('.banner-waiting', { hasText: 'the budget ran out' }).waitFor();
    // No attempt was made: the starting asset is the best, as the only judged asset.
    const pick = (entry as ReviewEntry).bestPick;
    assert.deepEqual(pick && { attemptNumber: pick.attemptNumber, reason: pick.reason }, { attemptNumber: undefined, reason: 'only_candidate' });
    assert.equal(await page.locator('article.candidate.is-best .best-why').innerText(), 'Best: the only judged asset');
    // The queue card says why it waits, in words, with the reason in full in its title.
    await page.goto(`${review.pageUrl}/#/queue?project=${teapot.projectId}`);
    const reason = page.locator(`li.queue-entry[data-scene-id="${teapot.id}"] .tag-reason`);
    await reason.waitFor();
    assert.equal(await reason.innerText(), 'budget ran out');
    assert.match((await reason.getAttribute('title')) ?? '', /^Waits for a person because the budget ran out/);
    // Out of the pending queue the other cases count.
    const handle = review.stack.client.workflow.getHandle(regenerationWorkflowId(teapot.id));
    await handle.cancel();
    await handle.result().catch(() => undefined);
  });

  async function signIn(tab: Page): Promise<void> {
    await tab.goto(review.pageUrl);
    await tab.evaluate((token) => sessionStorage.setItem('review-api-token', token), TOKEN);
    await tab.reload();
    await tab.getByRole('heading', { name: /Waiting for review/ }).waitFor();
  }

  /** Every pending entry, not one page of them. */
  async function pendingCount(): Promise<number> {
    const row = await review.stack.db.kysely
      .selectFrom('review_queue')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '=', 'pending')
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async function waitForScene(sceneId: number, done: (scene: SceneView) => boolean): Promise<void> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const current = await getScene(review.stack.db, sceneId);
      if (current && done(current)) return;
      if (Date.now() > deadline) throw new Error(`scene ${sceneId} did not get there: ${JSON.stringify(current?.status)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
});

async function waitForCount(locator: ReturnType<Page['locator']>, count: number, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await locator.count()) !== count) {
    if (Date.now() > deadline) throw new Error(`expected ${count} of ${String(locator)}, found ${await locator.count()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Until every image has decoded and every clip has its first frame, or has its metadata and
 * stopped loading (preload="metadata"), when the player no longer shows its loading spinner.
 */
async function waitForMedia(page: Page): Promise<void> {
  await page.waitForFunction(
    () =>
      Array.from(document.querySelectorAll('.media-box img, .media-box video')).every((media) =>
        media instanceof HTMLVideoElement
          ? media.readyState >= 2 || (media.readyState >= 1 && media.networkState === HTMLMediaElement.NETWORK_IDLE)
          : (media as HTMLImageElement).complete && (media as HTMLImageElement).naturalWidth > 0,
      ),
    undefined,
    { timeout: 20_000 },
  );
}

/** Presses Tab until a control matching `selector` (and `text`) has the focus: proof it is reachable. */
async function tabTo(page: Page, selector: string, text?: string, maxPresses = 80): Promise<void> {
  for (let press = 0; press < maxPresses; press++) {
    await page.keyboard.press('Tab');
    const reached = await page.evaluate(
      ([wanted, wantedText]) => {
        const focused = document.activeElement;
        return Boolean(focused?.matches(wanted) && (wantedText === null || focused.textContent?.trim() === wantedText));
      },
      [selector, text ?? null] as const,
    );
    if (reached) return;
  }
  throw new Error(`${selector}${text ? ` "${text}"` : ''} cannot be reached with Tab`);
}
