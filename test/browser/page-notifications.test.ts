import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { sceneDeliveries } from '../../src/db/notification-outbox';
import { regenerationWorkflowId } from '../../src/domain/workflow-ids';
import { regenerateSceneWorkflow } from '../../workflows';
import { sceneInput } from '../helpers/scenes';
import { screenshotPath } from '../helpers/screenshot-path';
import { waitUntilAsync } from '../helpers/wait-async';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver';
import { launchChromium } from './chromium';
import { startReviewStack, TOKEN, type ReviewStack } from './review-stack';

/**
 * The scene page lists the scene's outgoing webhooks and whether each arrived, read in Chromium
 * from the real web server, with the worker sending to two real receivers on loopback: one that
 * takes everything, one that is down until the delivery is given up.
 */
describe('the review page shows a scene’s notifications, in Chromium', function () {
  this.timeout(300_000);
  let review: ReviewStack;
  let browser: Browser;
  let up: WebhookReceiver;
  let down: WebhookReceiver;

  before(async function () {
    this.timeout(300_000);
    [up, down] = await Promise.all([startWebhookReceiver(), startWebhookReceiver()]);
    down.answerWith(() => 503);
    [review, browser] = await Promise.all([
      startReviewStack({
        NOTIFY_WEBHOOK_URLS: `${up.url}/hook ${down.url}/hook#events=scene.escalated`,
        NOTIFY_WEBHOOK_SECRET: 'page-notifications-secret',
        NOTIFY_REMINDERS: 'none',
        // Tries at 0, 1 and 3 s; the next would come after the give-up.
        NOTIFY_GIVE_UP_AFTER: '5s',
      }),
      launchChromium(),
    ]);
  });
  after(async function () {
    this.timeout(60_000);
    await browser?.close();
    await review?.stop();
    await up?.stop();
    await down?.stop();
  });

  it('lists each delivery with its receiver, whether it arrived, and the last answer', async () => {
    review.stack.simulator!.setScenarios([{ match: 'notified teapot', scores: [45, 55, 62] }]);
    const input = sceneInput({ visualDirection: 'A clay teapot, notified teapot', duration: 0, currentProvider: 'flux', contentType: 'food' });
    await review.stack.client.workflow.start(regenerateSceneWorkflow, {
      taskQueue: review.stack.config.temporal.taskQueue,
      workflowId: regenerationWorkflowId(input.scene.id),
      args: [input],
    });
    await waitUntilAsync(
      async () => {
        const deliveries = await sceneDeliveries(review.stack.db.kysely, input.scene.id);
        return deliveries.length === 2 && deliveries.every((d) => d.status !== 'pending');
      },
      120_000,
      'both deliveries settled',
    );

    const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    try {
      const page = await context.newPage();
      await page.goto(`${review.pageUrl}#/scenes/${input.scene.id}`);
      await page.getByLabel('API token').fill(TOKEN);
      await page.getByRole('button', { name: 'Continue' }).click();
      const section = page.getByRole('region', { name: 'Notifications' });
      await section.waitFor();
      const rows = section.getByRole('row');
      await waitUntilAsync(async () => (await rows.count()) === 3, 20_000, 'a header and two deliveries');
      const cells = await rows.evaluateAll((trs) => trs.slice(1).map((tr) => Array.from(tr.children).slice(0, 4).map((c) => (c as HTMLElement).innerText.trim())));
      const byReceiver = new Map(cells.map((row) => [row[1], row]));
      assert.deepEqual(byReceiver.get(up.url), ['Escalated to review', up.url, 'Delivered', 'HTTP 200: ok']);
      const failed = byReceiver.get(down.url)!;
      assert.deepEqual(failed.slice(0, 2), ['Escalated to review', down.url]);
      assert.match(failed[2], /^Gave up after [2-9] tries$/);
      assert.match(failed[3], /^HTTP 503: refused x+…?$/, 'an excerpt of the answer, never all of it');
      assert.ok(failed[3].length < 220);
      await section.screenshot({ path: screenshotPath('scene-notifications.png') });
    } finally {
      await context.close();
    }
  });
});
