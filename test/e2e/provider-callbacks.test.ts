import assert from 'node:assert/strict';
import type { WorkflowHandle } from '@temporalio/client';
import type { SceneAssetInput } from '../../src/domain/inputs';
import { sceneAssetWorkflow } from '../../workflows';
import { eventTimeMs, historyEvents, workflowTaskFailures } from '../helpers/history';
import { startE2eStack, type E2eStack } from '../helpers/e2e-stack';
import { uniqueSceneId } from '../helpers/scenes';

type HistoryEvent = Awaited<ReturnType<typeof historyEvents>>[number];

function klingScene(visualDirection: string): SceneAssetInput {
  const projectId = uniqueSceneId();
  return {
    scene: {
      id: uniqueSceneId(),
      projectId,
      sceneIndex: 0,
      sceneType: 'b-roll',
      contentType: 'product',
      narration: 'A render with a callback.',
      visualDirection,
      duration: 5,
      provider: 'kling',
    },
    project: { id: projectId, name: 'Lanterns' },
  };
}

/** When the activity of this type last completed, and when its first run was scheduled. */
function activityTimes(events: readonly HistoryEvent[], activityType: string): { scheduled: number; completed: number } {
  const scheduled = events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === activityType);
  const ids = new Set(scheduled.map((e) => String(e.eventId)));
  const completed = events.filter((e) => ids.has(String(e.activityTaskCompletedEventAttributes?.scheduledEventId ?? '')));
  assert.ok(scheduled.length > 0 && completed.length > 0, `${activityType} ran and completed`);
  return { scheduled: eventTimeMs(scheduled[0]), completed: eventTimeMs(completed[completed.length - 1]) };
}

/**
 * The time from the generation's start (its first execution submits at once: the provider has
 * room) to the look that found the output. Video looks come at 2, 5, 9.5 and 16.25 s after the
 * submission (src/rules/generation-wait.ts).
 */
async function generationWait(handle: WorkflowHandle): Promise<{ waitedMs: number; events: HistoryEvent[] }> {
  const events = await historyEvents(handle);
  const { scheduled, completed } = activityTimes(events, 'generateAsset');
  return { waitedMs: completed - scheduled, events };
}

const signalled = (events: readonly HistoryEvent[]) =>
  events.filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'generationCallback').length;

async function runScene(e2e: E2eStack, input: SceneAssetInput) {
  const { stack } = e2e;
  const handle = await stack.client.workflow.start(sceneAssetWorkflow, {
    taskQueue: stack.config.temporal.taskQueue,
    workflowId: `scene-asset-${input.scene.id}`,
    args: [input],
  });
  const result = await handle.result();
  return { handle, result };
}

describe('provider callbacks: real activities, simulator, web server, PostgreSQL, Temporal', function () {
  this.timeout(180_000);
  const RENDER_MS = 12_000;

  describe('PROVIDER_WEBHOOKS on', () => {
    let e2e: E2eStack | undefined;

    before(async function () {
      this.timeout(240_000);
      e2e = await startE2eStack({
        name: 'provider-callbacks-on',
        env: { PROVIDER_WEBHOOKS: 'on', WEBHOOK_SECRET: 'a-secret-of-the-callbacks-e2e' },
      });
      e2e.stack.simulator!.setScenarios([
        { match: 'twelve-second render', scores: [85], latencyMs: RENDER_MS },
        { match: 'quick image', scores: [85] },
      ]);
    });
    after(async function () {
      this.timeout(60_000);
      await e2e?.stop();
    });

    it('a fal image called back as soon as it is made (perhaps before the wait began) completes the round', async () => {
      const input = klingScene('A quick image of a paper lantern');
      input.scene = { ...input.scene, duration: 0, provider: 'falai' };
      const { handle, result } = await runScene(e2e!, input);
      assert.equal(result.qualityScore, 85);
      const events = await historyEvents(handle);
      assert.equal(signalled(events), 1);
      assert.deepEqual(workflowTaskFailures(events), []);
      const falai = e2e!.stack.simulator!.calls().providers.falai;
      assert.equal(falai.callbacks, 1);
      assert.equal(falai.callbackFailures, 0);
    });

    it('a kling video is found within 2 s of its render ending, before the next scheduled look', async () => {
      const { handle, result } = await runScene(e2e!, klingScene('A twelve-second render of a paper lantern'));
      assert.equal(result.qualityScore, 85);
      const { waitedMs, events } = await generationWait(handle);
      assert.equal(signalled(events), 1, 'the generationCallback signal is in the history');
      // The render ends 12 s after submission; without the callback the look at 16.25 s finds it.
      assert.ok(waitedMs >= RENDER_MS - 500 && waitedMs < RENDER_MS + 2_000, `found ${waitedMs} ms after submission`);
      const kling = e2e!.stack.simulator!.calls().providers.kling;
      assert.equal(kling.callbacks, 1);
      assert.equal(kling.callbackFailures, 0, 'the web server took the callback');
    });
  });

  describe('PROVIDER_WEBHOOKS off (the default)', () => {
    let e2e: E2eStack | undefined;

    before(async function () {
      this.timeout(240_000);
      e2e = await startE2eStack({ name: 'provider-callbacks-off' });
      e2e.stack.simulator!.setScenarios([{ match: 'twelve-second render', scores: [85], latencyMs: RENDER_MS }]);
    });
    after(async function () {
      this.timeout(60_000);
      await e2e?.stop();
    });

    it('nothing calls back: the scheduled look finds the video', async () => {
      const { handle, result } = await runScene(e2e!, klingScene('A twelve-second render of a paper lantern'));
      assert.equal(result.qualityScore, 85);
      const { waitedMs, events } = await generationWait(handle);
      assert.equal(signalled(events), 0);
      assert.ok(waitedMs >= 16_000, `found ${waitedMs} ms after submission, at the look at 16.25 s`);
      assert.equal(e2e!.stack.simulator!.calls().providers.kling.callbacks, 0);
      const response = await fetch(`${e2e!.stack.webUrl}/webhooks/generation/kling?workflowId=x&token=y`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      assert.equal(response.status, 404, 'no callback route when off');
    });
  });
});
