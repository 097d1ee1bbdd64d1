import assert from 'node:assert/strict';
import { extractFrames, frameTimes } from '../../src/analysis/frames';
import { resizeForModel } from '../../src/analysis/resize-for-model';
import { PROVIDER_NAMES } from '../../src/domain/provider';
import { measureImage } from '../../src/sim/judge/image-metrics';
import { MediaCache } from '../../src/sim/media/media-cache';
import { promptLook } from '../../src/sim/media/prompt-look';
import { majorityProvider, readProviderMark } from '../../src/sim/media/provider-mark';
import { renderStillPng } from '../../src/sim/media/render-image';
import { TEST_MEDIA_DIR } from './sim-test-helpers';

describe('simulator provider marks', function () {
  this.timeout(60_000);

  it('survive the product\'s resizing and JPEG for every provider, on light, dark and busy renders', async () => {
    const prompts = ['A bright white kitchen, warm golden light', 'A dark night street, soft focus, blurry', 'neon busy crowded market'];
    const sizes = [[1920, 1080], [720, 1280], [640, 360]];
    for (const [index, provider] of PROVIDER_NAMES.entries()) {
      const [width, height] = sizes[index % sizes.length];
      for (const prompt of prompts) {
        const shown = await resizeForModel(await renderStillPng(promptLook(prompt), width, height, provider), 'standard');
        assert.equal(await readProviderMark(shown.data), provider, `${provider} at ${width}×${height}: ${prompt}`);
      }
    }
  });

  it('are absent from unmarked renders, which stay byte for byte what they were', async () => {
    const look = promptLook('A quiet library');
    const plain = await renderStillPng(look, 640, 360);
    assert.equal(await readProviderMark(plain), undefined);
    assert.equal(await readProviderMark((await resizeForModel(plain, 'standard')).data), undefined);
    assert.deepEqual(await renderStillPng(look, 640, 360, undefined), plain);
  });

  it('barely change what the judge measures', async () => {
    const look = promptLook('A bowl of fresh salad, warm golden light');
    const plain = await measureImage(await renderStillPng(look, 1280, 720));
    const marked = await measureImage(await renderStillPng(look, 1280, 720, 'flux'));
    assert.ok(Math.abs(plain.warmth - marked.warmth) < 0.005);
    assert.ok(Math.abs(plain.brightness - marked.brightness) < 0.01);
    assert.equal(marked.edgeEnergy, plain.edgeEnergy);
  });

  it('are on every frame the product samples from a clip', async () => {
    const cache = new MediaCache(TEST_MEDIA_DIR);
    try {
      const file = await cache.ensure({ prompt: 'A mountain lake at sunrise', kind: 'video', width: 640, height: 360, durationSeconds: 2, mark: 'hailuo' });
      const frames = await extractFrames(file.path, frameTimes(2, 3), 'standard');
      const marks = await Promise.all(frames.map((frame) => readProviderMark(frame.image.data)));
      assert.deepEqual(marks, ['hailuo', 'hailuo', 'hailuo']);
      assert.equal(majorityProvider(marks), 'hailuo');
    } finally {
      cache.stop();
    }
  });

  it('majority of frames names the provider; no marks name none', () => {
    assert.equal(majorityProvider(['kling', undefined, 'kling', 'luma']), 'kling');
    assert.equal(majorityProvider([undefined, undefined]), undefined);
  });
});
