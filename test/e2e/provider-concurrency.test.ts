import assert from 'node:assert/strict';
import type { SceneAssetInput } from '../../src/domain/inputs';
import type { Stack } from '../../src/stack/start-stack';
import { sceneAssetWorkflow } from '../../workflows';
import { historyEvents } from '../helpers/history';
import { startE2eStack, type E2eStack } from '../helpers/e2e-stack';
import { uniqueSceneId } from '../helpers/scenes';

describe('waiting on providers: real activities, simulator, PostgreSQL, Temporal', function () {
  this.timeout(180_000);
  let e2e: E2eStack | undefined;
  let stack: Stack;
  const LATENCY_MS = 1_500;

  before(async function () {
    this.timeout(240_000);
    e2e = await startE2eStack({
      name: 'provider-concurrency',
      env: { PROVIDER_CONCURRENCY: 'falai=2' },
      simulatorOptions: { latencyMs: LATENCY_MS },
    });
    stack = e2e.stack;
    stack.simulator!.setScenarios([
      { match: 'concurrency limit', scores: [85] },
      // A render that outlasts the test: only a cancel or a deadline ends it.
      { match: 'slow render', scores: [85], latencyMs: 600_000 },
    ]);
  });

  after(async function () {
    this.timeout(60_000);
    await e2e?.stop();
  });

  it('runs at most PROVIDER_CONCURRENCY generations at a provider, the rest wait their turn in the generation\'s retries', async () => {
    const projectId = uniqueSceneId();
    const scenes = Array.from({ length: 5 }, (_, sceneIndex) => ({
      id: uniqueSceneId(),
      projectId,
      sceneIndex,
      sceneType: 'b-roll',
      contentType: 'product',
      narration: `Scene ${sceneIndex}: concurrency limit.`,
      visualDirection: `A paper lantern, view ${sceneIndex}`,
      duration: 0,
      provider: 'falai' as const,
    }));
    const started = Date.now();
    const handles = await Promise.all(
      scenes.map((scene) => {
        const input: SceneAssetInput = { scene, project: { id: projectId, name: 'Lanterns' } };
        return stack.client.workflow.start(sceneAssetWorkflow, {
          taskQueue: stack.config.temporal.taskQueue,
          workflowId: `scene-asset-${scene.id}`,
          args: [input],
        });
      }),
    );
    const results = await Promise.all(handles.map((handle) => handle.result()));
    const elapsed = Date.now() - started;

    assert.deepEqual(results.map((result) => result.qualityScore), [85, 85, 85, 85, 85]);
    const falai = stack.simulator!.calls().providers.falai;
    assert.equal(falai.submissions, 5, 'one submission per scene: waiting never submitted');
    assert.equal(falai.peakInFlight, 2, 'two at a time: the limit, and no fewer');
    // Five generations two at a time take three turns of the provider's latency.
    assert.ok(elapsed >= 3 * LATENCY_MS, `finished in ${elapsed} ms`);

    // The waits are the generation's own retries, which Temporal's server schedules: no timer,
    // no second activity, and the scenes that waited took more executions to finish.
    const histories = await Promise.all(handles.map((handle) => historyEvents(handle)));
    for (const events of histories) {
      assert.equal(events.filter((event) => event.timerStartedEventAttributes).length, 0);
      assert.equal(events.filter((event) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'generateAsset').length, 1);
    }
    const executions = histories.map(
      (events) => events.find((event) => event.activityTaskStartedEventAttributes && events.some((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'generateAsset' && String(e.eventId) === String(event.activityTaskStartedEventAttributes!.scheduledEventId)))?.activityTaskStartedEventAttributes?.attempt ?? 0,
    );
    const fewest = Math.min(...executions);
    assert.ok(executions.filter((n) => n > fewest).length >= 3, `executions per scene's generation: ${executions.join(', ')}`);
  });

  function slowVideoScene(provider: 'kling' | 'runway'): SceneAssetInput {
    const projectId = uniqueSceneId();
    return {
      scene: {
        id: uniqueSceneId(),
        projectId,
        sceneIndex: 0,
        sceneType: 'b-roll',
        contentType: 'product',
        narration: 'A slow render.',
        visualDirection: 'A slow render of a paper lantern',
        duration: 5,
        provider,
      },
      project: { id: projectId, name: 'Lanterns' },
    };
  }

  async function eventually(check: () => boolean, what: string): Promise<void> {
    const until = Date.now() + 60_000;
    while (!check()) {
      if (Date.now() > until) assert.fail(`never happened: ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('a round cancelled while its provider renders cancels the task at the provider', async () => {
    const input = slowVideoScene('runway');
    const before = stack.simulator!.calls().providers.runway;
    const handle = await stack.client.workflow.start(sceneAssetWorkflow, {
      taskQueue: stack.config.temporal.taskQueue,
      workflowId: `scene-asset-${input.scene.id}`,
      args: [input],
    });
    await eventually(() => stack.simulator!.calls().providers.runway.submissions > before.submissions, 'the submission');
    await handle.cancel();
    await assert.rejects(handle.result(), /cancel/i);
    await eventually(() => stack.simulator!.calls().providers.runway.cancels === before.cancels + 1, 'the cancel at runway');
  });

  it('a generation past its deadline fails the attempt with reason timeout and is cancelled at the provider', async () => {
    // One attempt in the round, and a review that ends itself: the test waits for nothing else.
    const policy = { generationTimeout: '3s', maxAttempts: 1, reviewTimeout: '1s', onReviewTimeout: 'reject' as const };
    const input = { ...slowVideoScene('kling'), policy };
    const before = stack.simulator!.calls().providers.kling;
    const result = await stack.client.workflow.execute(sceneAssetWorkflow, {
      taskQueue: stack.config.temporal.taskQueue,
      workflowId: `scene-asset-${input.scene.id}`,
      args: [input],
    });
    assert.match(result.analysis?.issues[0]?.description ?? '', /First asset failed: timeout: kling did not finish/);
    assert.equal(result.needsUserReview, true);
    await stack.client.workflow.getHandle(result.reviewWorkflowId!).result();
    const after = stack.simulator!.calls().providers.kling;
    // The first asset and the round's one attempt: each submitted once, each cancelled at its deadline.
    assert.equal(after.submissions - before.submissions, 2);
    assert.equal(after.cancels - before.cancels, 2);
  });
});
