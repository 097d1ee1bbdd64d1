import assert from 'node:assert/strict';
import type { ReviewEntryView } from '../../src/domain/http-api';
import { testEnv } from '../helpers/temporal';
import { workflowBundle } from '../helpers/workflow-bundle';
import { eventually, seedScene, withWebServer, type WebHarness } from './web-harness';

const fails = (): number => 40;

async function pendingEntry(harness: WebHarness, sceneId: number): Promise<ReviewEntryView> {
  const entries = await eventually(
    async () => (await harness.request({ method: 'GET', url: '/api/review-queue?status=pending' })).json<{ items: ReviewEntryView[] }>().items,
    (list) => list.some((entry) => entry.sceneId === sceneId),
  );
  return entries.find((entry) => entry.sceneId === sceneId)!;
}

describe('HTTP API: a person’s provider must be able to make the scene', function () {
  this.timeout(90_000);
  before(async function () {
    this.timeout(240_000);
    await Promise.all([testEnv(), workflowBundle()]);
  });

  it('a manual regeneration naming a provider that cannot make the scene gets 400 with the reason', async () => {
    await withWebServer(fails, async (harness) => {
      const video = await seedScene(harness.db, { score: 40 });
      const imageOnly = await harness.request({ method: 'POST', url: `/api/scenes/${video.id}/regenerate`, payload: { provider: 'flux' } });
      assert.equal(imageOnly.statusCode, 400, imageOnly.body);
      assert.deepEqual(imageOnly.json(), {
        error: `Scene ${video.id}: provider flux cannot make this scene: flux makes images only, and this scene is a video`,
      });

      const square = await seedScene(harness.db, { score: 40, overrides: { aspectRatio: '1:1' } });
      const runway = await harness.request({ method: 'POST', url: `/api/scenes/${square.id}/regenerate`, payload: { provider: 'runway' } });
      assert.equal(runway.statusCode, 400, runway.body);
      assert.match(runway.json<{ error: string }>().error, /runway makes video in 1280:720, 720:1280 only, and this scene is 1:1/);

      const still = await seedScene(harness.db, { score: 40, overrides: { duration: 0, provider: 'falai' } });
      const kling = await harness.request({ method: 'POST', url: `/api/scenes/${still.id}/regenerate`, payload: { provider: 'kling' } });
      assert.equal(kling.statusCode, 400, kling.body);
      assert.match(kling.json<{ error: string }>().error, /kling makes video only, and this scene is a still image/);
      assert.equal(harness.calls.submissions.length, 0);
    });
  });

  it('a reviewer’s regenerate naming such a provider gets 400 and the entry stays pending', async () => {
    await withWebServer(fails, async (harness) => {
      const scene = await seedScene(harness.db, { score: 40 });
      const started = await harness.request({ method: 'POST', url: `/api/scenes/${scene.id}/regenerate` });
      assert.equal(started.statusCode, 202, started.body);
      const entry = await pendingEntry(harness, scene.id);
      const refused = await harness.request({
        method: 'POST',
        url: `/api/review-queue/${entry.id}/decision`,
        payload: { action: 'regenerate', provider: 'falai', customPrompt: 'A loaf, close up' },
      });
      assert.equal(refused.statusCode, 400, refused.body);
      assert.match(refused.json<{ error: string }>().error, new RegExp(`^Review entry ${entry.id}: provider falai cannot make this scene: falai makes images only`));
      assert.equal((await pendingEntry(harness, scene.id)).status, 'pending');

      const accepted = await harness.request({
        method: 'POST',
        url: `/api/review-queue/${entry.id}/decision`,
        payload: { action: 'reject' },
      });
      assert.equal(accepted.statusCode, 202, accepted.body);
    });
  });
});
