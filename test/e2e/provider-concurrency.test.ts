import assert from 'node:assert/strict';
import type { SceneAssetInput } from '../../src/domain/inputs';
import type { Stack } from '../../src/stack/start-stack';
import { sceneAssetWorkflow } from '../../workflows';
import { historyEvents } from '../helpers/history';
import { startE2eStack, type E2eStack } from '../helpers/e2e-stack';
import { uniqueSceneId } from '../helpers/scenes';

describe('per-provider concurrency limits: real activities, simulator, PostgreSQL, Temporal', function () {
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
    stack.simulator!.setScenarios([{ match: 'concurrency limit', scores: [85] }]);
  });

  after(async function () {
    this.timeout(60_000);
    await e2e?.stop();
  });

  it('runs at most PROVIDER_CONCURRENCY generations at a provider, the rest wait their turn on a timer', async () => {
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

    const timers = await Promise.all(
      handles.map(async (handle) => (await historyEvents(handle)).filter((event) => event.timerStartedEventAttributes).length),
    );
    assert.ok(timers.filter((count) => count > 0).length >= 3, `waits per scene: ${timers.join(', ')}`);
  });
});
