import assert from 'node:assert/strict';
import { ApplicationFailure } from '@temporalio/common';
import { loadConfig } from '../../src/config';
import type { ProviderName } from '../../src/domain/provider';
import type { SceneKind } from '../../src/domain/scene';
import type { ProviderClient, ProviderPollResult } from '../../src/providers/provider-client';
import { createProviderClients } from '../../src/providers/registry';
import { runwayRequest } from '../../src/providers/runway';
import { falEditInput } from '../../src/providers/fal';
import { startSimulator } from '../../src/sim/server';

/** The repair calls of each adapter that has an edit endpoint, through the real clients, against the simulator. */

type Simulator = Awaited<ReturnType<typeof startSimulator>>;
const INSTRUCTION = 'Fix only these defects: 1. The logo is warped (in the area 40%-60% across and 30%-50% down the frame). Change nothing else.';

async function settled(client: ProviderClient, taskId: string): Promise<ProviderPollResult> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const result = await client.poll(taskId);
    if (result.state !== 'pending') return result;
    if (Date.now() > deadline) assert.fail(`task ${taskId} still pending`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('provider adapters: repair edits against the simulator', function () {
  this.timeout(60_000);
  let sim: Simulator;
  let providers: Record<ProviderName, ProviderClient>;
  before(async () => {
    sim = await startSimulator({ port: 0, latencyMs: 40 });
    providers = createProviderClients(loadConfig({ SIM_URL: sim.url }), { requestTimeoutMs: 15_000 });
    // Every named place fixed, nothing damaged: the output must show the change.
    sim.setSettings({ edit: { fixChance: { falai: 1, runway: 1 }, damageRate: 0 } });
  });
  after(async () => {
    await sim?.stop();
  });

  async function generated(provider: ProviderName, kind: SceneKind): Promise<{ uri: string; bytes: Buffer }> {
    const client = providers[provider];
    const { taskId } = await client.submit({ prompt: 'A ceramic mug on a wooden table', kind, durationSeconds: kind === 'video' ? 2 : 0, aspectRatio: '16:9' });
    const result = await settled(client, taskId);
    assert.equal(result.state, 'done');
    const response = await fetch((result as { outputUrl: string }).outputUrl);
    const bytes = Buffer.from(await response.arrayBuffer());
    return { uri: `data:${response.headers.get('content-type')};base64,${bytes.toString('base64')}`, bytes };
  }

  const cases: { provider: ProviderName; kind: SceneKind; costUsd: number }[] = [
    // fal reports no cost: the edit's table price (src/catalog/edits.ts).
    { provider: 'falai', kind: 'image', costUsd: 0.04 },
    // Runway reports its own: gen4_image 5 credits; aleph2 15 credits a second of the 2 s clip.
    { provider: 'runway', kind: 'image', costUsd: 0.05 },
    { provider: 'runway', kind: 'video', costUsd: 0.3 },
  ];
  for (const { provider, kind, costUsd } of cases) {
    it(`${provider} repairs a ${kind}: an edited output that differs from the source, at the edit's price`, async () => {
      const source = await generated(provider === 'runway' && kind === 'image' ? 'falai' : provider, kind);
      const client = providers[provider];
      const { taskId } = await client.submit({ prompt: INSTRUCTION, kind, durationSeconds: kind === 'video' ? 2 : 0, aspectRatio: '16:9', edit: { sourceUri: source.uri } });
      const result = await settled(client, taskId);
      assert.equal(result.state, 'done', JSON.stringify(result));
      const done = result as Extract<ProviderPollResult, { state: 'done' }>;
      assert.equal(done.costUsd, costUsd);
      const edited = Buffer.from(await (await fetch(done.outputUrl)).arrayBuffer());
      assert.ok(edited.length > 100);
      assert.notDeepEqual(edited, source.bytes);
    });
  }

  it('the bodies sent stay inside the endpoints’ rules: aleph2 with the clip, gen4_image with one tagged reference, kontext with image_url', () => {
    const video = runwayRequest({ prompt: INSTRUCTION, kind: 'video', durationSeconds: 5, aspectRatio: '16:9', edit: { sourceUri: 'https://assets.example/clip.mp4' } });
    assert.deepEqual(video, { endpoint: 'video_to_video', body: { model: 'aleph2', videoUri: 'https://assets.example/clip.mp4', promptText: INSTRUCTION } });
    const image = runwayRequest({ prompt: INSTRUCTION, kind: 'image', durationSeconds: 0, aspectRatio: '16:9', edit: { sourceUri: 'data:image/png;base64,AAAA' } });
    assert.equal(image.endpoint, 'text_to_image');
    assert.deepEqual(image.body.referenceImages, [{ uri: 'data:image/png;base64,AAAA', tag: 'source' }]);
    assert.match(String(image.body.promptText), /^Edit @source\. Fix only these defects/);
    assert.deepEqual(falEditInput(INSTRUCTION, 'data:image/png;base64,AAAA'), { prompt: INSTRUCTION, image_url: 'data:image/png;base64,AAAA', num_images: 1, output_format: 'png' });
  });

  it('a provider without an edit endpoint refuses a repair as a bad request, sending nothing', async () => {
    const before = sim.calls().providers.kling?.submissions ?? 0;
    try {
      await providers.kling.submit({ prompt: INSTRUCTION, kind: 'video', durationSeconds: 5, aspectRatio: '16:9', edit: { sourceUri: 'data:video/mp4;base64,AAAA' } });
      assert.fail('kling took a repair');
    } catch (error) {
      assert.ok(error instanceof ApplicationFailure);
      assert.equal(error.type, 'bad_request');
      assert.match(error.message, /no edit endpoint/);
    }
    assert.equal(sim.calls().providers.kling?.submissions ?? 0, before);
  });
});
