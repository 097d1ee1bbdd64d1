import assert from 'node:assert/strict';
import { checkPiapiCreate } from '../../src/catalog/limits/piapi';
import { closestAspect, parseAspectRatio, sizeForAspect } from '../../src/catalog/aspect-ratio';
import { PIAPI_MODELS } from '../../src/providers/piapi-models';
import { limitPrompt } from '../../src/catalog/prompt-limit';

describe('request shaping', () => {
  it('picks the nearest aspect a model offers', () => {
    assert.equal(closestAspect('16:9', ['16:9', '9:16', '1:1']), '16:9');
    assert.equal(closestAspect('1080:1920', ['1280:720', '720:1280']), '720:1280');
    assert.equal(closestAspect('4:3', ['16:9', '9:16', '1:1']), '1:1');
    assert.equal(closestAspect('nonsense', ['1:1', '16:9']), '16:9');
    assert.equal(parseAspectRatio('21x9'), 21 / 9);
  });

  it('sizes images to the shape inside the bounds, in multiples of 16', () => {
    const bounds = { min: 256, max: 1024, maxPixels: 1_048_576, multipleOf: 16 };
    for (const aspect of ['16:9', '9:16', '1:1', '4:3', '21:9']) {
      const { width, height } = sizeForAspect(aspect, bounds);
      assert.ok(width * height <= bounds.maxPixels, aspect);
      assert.ok(Math.max(width, height) <= 1024 && Math.min(width, height) >= 256, aspect);
      assert.equal(width % 16, 0);
      assert.equal(height % 16, 0);
      assert.ok(Math.abs(width / height / parseAspectRatio(aspect) - 1) < 0.02, aspect);
    }
    assert.deepEqual(sizeForAspect('16:9', bounds), { width: 1024, height: 576 });
    // Too extreme for the bounds: the short side stays at the minimum.
    assert.deepEqual(sizeForAspect('8:1', bounds), { width: 1024, height: 256 });
  });

  it('cuts an over-long prompt at a word', () => {
    const prompt = 'word '.repeat(300).trim();
    const cut = limitPrompt(prompt, 1000);
    assert.ok(cut.length <= 1000);
    assert.ok(cut.endsWith('word'));
    assert.equal(limitPrompt('short', 1000), 'short');
  });

  it('asks Kling for 5 or 10 seconds, enough to cover the scene', () => {
    const body = (seconds: number) =>
      PIAPI_MODELS.kling.createBody({ prompt: 'p', kind: 'video', durationSeconds: seconds, aspectRatio: '9:16' }) as {
        model: string;
        task_type: string;
        input: { duration: number; aspect_ratio: string; mode: string };
      };
    assert.equal(body(4).input.duration, 5);
    assert.equal(body(5).input.duration, 5);
    assert.equal(body(6).input.duration, 10);
    assert.deepEqual(
      { model: body(4).model, task_type: body(4).task_type, aspect: body(4).input.aspect_ratio, mode: body(4).input.mode },
      { model: 'kling', task_type: 'video_generation', aspect: '9:16', mode: 'std' },
    );
    assert.equal((body(4).input as unknown as { version: string }).version, '2.6');
    assert.equal(body(30).input.duration, 10);
  });

  it('asks Hailuo for v2.3 at 768p for 6 s, whatever the scene, and Flux for schnell txt2img with a size', () => {
    for (const durationSeconds of [3, 6, 9]) {
      const hailuo = PIAPI_MODELS.hailuo.createBody({ prompt: 'p', kind: 'video', durationSeconds, aspectRatio: '16:9' }) as { input: Record<string, unknown> };
      assert.deepEqual(hailuo.input, { prompt: 'p', model: 'v2.3', duration: 6, resolution: 768, expand_prompt: false });
      assert.equal(checkPiapiCreate(hailuo as never), undefined);
    }
    const flux = PIAPI_MODELS.flux.createBody({ prompt: 'p', kind: 'image', durationSeconds: 0, aspectRatio: '1:1' }) as {
      model: string;
      task_type: string;
      input: { width: number; height: number };
    };
    assert.equal(flux.model, 'Qubico/flux1-schnell');
    assert.equal(flux.task_type, 'txt2img');
    assert.deepEqual([flux.input.width, flux.input.height], [1024, 1024]);
    const wide = PIAPI_MODELS.flux.createBody({ prompt: 'p', kind: 'image', durationSeconds: 0, aspectRatio: '16:9' }) as typeof flux;
    assert.deepEqual([wide.input.width, wide.input.height], [1024, 576]);
  });
});
