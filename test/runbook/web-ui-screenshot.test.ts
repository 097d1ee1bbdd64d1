import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { Browser } from 'playwright-core';
import { freePort, startDevServer, type DevServer } from '../../src/temporal/dev-server';
import { regenerateSceneWorkflow } from '../../workflows';
import { userDecisionSignal } from '../../workflows/messages';
import { fakeActivities } from '../helpers/fake-activities';
import { sceneInput } from '../helpers/scenes';
import { screenshotPath } from '../helpers/screenshot-path';
import { workflowBundle } from '../helpers/workflow-bundle';
import { activitySummaries, historyEvents } from '../helpers/history';
import { waitForStatus } from '../helpers/workflow-runner';
import { launchChromium } from '../browser/chromium';
import { SCREENSHOT_PATH } from './runbook-section';
import { regenerationWorkflowId } from '../../src/domain/workflow-ids';


describe('the Temporal Web UI shows a round’s attempt history (README screenshot)', function () {
  this.timeout(180_000);
  // A server of its own: the shared test server is headless, and the picture should show only
  // the one round it is about.
  let server: DevServer | undefined;
  let browser: Browser | undefined;

  after(async function () {
    this.timeout(60_000);
    await browser?.close();
    await server?.stop();
  });

  it('runs an escalated round to a decision and photographs its event history', async () => {
    const uiPort = await freePort();
    [server] = await Promise.all([startDevServer({ uiPort, startTimeoutMs: 120_000 }), workflowBundle()]);
    const connection = await Connection.connect({ address: server.address });
    const client = new Client({ connection });
    const nativeConnection = await NativeConnection.connect({ address: server.address });
    const taskQueue = `web-ui-${randomUUID()}`;
    // Generations that take a moment spread the three attempts apart on the UI's timeline.
    const { activities } = fakeActivities({ scores: [45, 58, 50], generationDelayMs: 600 });
    const worker = await Worker.create({
      connection: nativeConnection,
      taskQueue,
      workflowBundle: await workflowBundle(),
      activities,
    });

    const input = sceneInput();
    const workflowId = regenerationWorkflowId(input.scene.id);
    await worker.runUntil(async () => {
      const handle = await client.workflow.start(regenerateSceneWorkflow, { taskQueue, workflowId, args: [input] });
      await waitForStatus(handle, 'awaiting_review', 60_000);
      // A visible gap on the timeline: the round waiting for a person.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      await handle.signal(userDecisionSignal, { action: 'approve', attemptNumber: 2, reviewer: 'ops' });
      const result = await handle.result();
      assert.equal(result.outcome, 'approved');
      // Each step of an attempt says in the history which attempt and provider it belongs to:
      // the Web UI shows these summaries next to the activity type.
      const summaries = activitySummaries(await historyEvents(handle));
      for (const step of ['generateAsset: attempt 2 · ', 'judgeAsset: attempt 3 · ', 'escalateToReview: round 1 · ']) {
        assert.ok(summaries.some((summary) => summary.startsWith(step)), `${step}… in ${summaries.join(', ')}`);
      }
      assert.ok(summaries.some((summary) => /^recordAttempt: round 1 · attempt 1 · record$/.test(summary)));
    });
    await nativeConnection.close();
    await connection.close();

    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1400, height: 1600 } });
    await page.goto(`${server.uiUrl}/namespaces/default/workflows/${workflowId}`, { waitUntil: 'domcontentloaded' });
    // The UI is a single-page app: the history arrives after the shell, so wait for its content.
    await page.getByText('generateAsset').first().waitFor({ state: 'visible', timeout: 60_000 });
    await page.getByText(workflowId).first().waitFor({ state: 'visible', timeout: 10_000 });

    const text = await page.locator('body').innerText();
    assert.ok(text.includes(workflowId), 'the page names the workflow');
    for (const activity of ['generateAsset', 'judgeAsset', 'recordAttempt']) {
      assert.ok(text.includes(activity), `the history shows ${activity}`);
    }

    // The compact view lists one row per activity and signal, oldest first: the three attempts,
    // then the escalation and the decision. The minimized timeline leaves the table the room.
    await page.getByRole('button', { name: 'Minimized' }).click();
    await page.getByText('Compact', { exact: true }).click();
    await page.getByRole('button', { name: 'Descending' }).click();
    const table = page.getByRole('table').filter({ hasText: 'generateAsset' });
    assert.equal(await table.getByText('generateAsset', { exact: true }).count(), 3, 'three attempts');
    assert.equal(await table.getByText('escalateToReview', { exact: true }).count(), 1);
    assert.equal(await table.getByText('userDecision', { exact: true }).count(), 1);
    // Each activity row names its attempt and provider, as the review page's cards do.
    assert.equal(await table.getByText(/^attempt 2 · \w+ · generate$/).count(), 1, 'the summary shows in the table');

    await page.getByRole('columnheader', { name: 'Event ID' }).evaluate((header) => header.scrollIntoView({ block: 'start' }));
    // The history's toolbar stays pinned at the top: leave room for it above the table.
    await page.mouse.move(700, 500);
    await page.mouse.wheel(0, -150);
    for (const name of ['openRound', 'endRound']) {
      const box = await table.getByText(name, { exact: true }).boundingBox();
      assert.ok(box && box.y > 0 && box.y + box.height <= 1600, `${name} is in the picture`);
    }
    // The README's picture of the Web UI (UPDATE_SCREENSHOTS=1 refreshes it): this test makes it.
    const screenshot = screenshotPath(path.basename(SCREENSHOT_PATH));
    await page.screenshot({ path: screenshot });
    assert.ok(statSync(screenshot).size > 20_000, 'the screenshot has content');
  });
});
