import assert from 'node:assert/strict';
import sharp from 'sharp';
import { extractFrames, frameTimes } from '../../src/analysis/frames';
import { estimateImageTokens, fitForModel, MODEL_IMAGE_LIMITS, resizeForModel } from '../../src/analysis/resize-for-model';
import { acquireMediaFixtures, releaseMediaFixtures, type MediaFixtures } from './media-fixtures';

describe('images and frames for the model', function () {
  let media: MediaFixtures;
  before(async function () {
    this.timeout(60_000);
    media = await acquireMediaFixtures();
  });
  after(() => releaseMediaFixtures());

  it('fits sizes inside both limits, keeping the shape and never enlarging', () => {
    assert.deepEqual(fitForModel({ width: 3840, height: 2160 }), { width: 1429, height: 804 });
    assert.deepEqual(fitForModel({ width: 1920, height: 1080 }), { width: 1429, height: 804 });
    // A long panorama hits the edge limit before the pixel limit.
    assert.deepEqual(fitForModel({ width: 6000, height: 1000 }), { width: 1568, height: 261 });
    assert.deepEqual(fitForModel({ width: 1000, height: 1000 }), { width: 1000, height: 1000 });
    for (const size of [
      { width: 3840, height: 2160 },
      { width: 2160, height: 3840 },
      { width: 4096, height: 4096 },
      { width: 1093, height: 1093 },
    ]) {
      const fitted = fitForModel(size);
      assert.ok(Math.max(fitted.width, fitted.height) <= MODEL_IMAGE_LIMITS.maxLongEdgePx, JSON.stringify(fitted));
      assert.ok(fitted.width * fitted.height <= MODEL_IMAGE_LIMITS.maxPixels, JSON.stringify(fitted));
    }
  });

  it('resizes a 4K still to 1429×804, a seventh of the tokens of the original', async () => {
    const image = await resizeForModel(media.still4k);
    assert.deepEqual([image.originalWidth, image.originalHeight], [3840, 2160]);
    assert.deepEqual([image.width, image.height], [1429, 804]);
    const decoded = await sharp(image.data).metadata();
    assert.deepEqual([decoded.format, decoded.width, decoded.height], ['jpeg', 1429, 804]);
    assert.equal(estimateImageTokens(image.width, image.height), 1532);
    assert.equal(estimateImageTokens(3840, 2160), 11060);
  });

  it('leaves a small image at its size', async () => {
    const image = await resizeForModel(media.goodImage);
    assert.deepEqual([image.width, image.height], [1024, 576]);
  });

  it('spreads frame times evenly, each in the middle of its share of the clip', () => {
    assert.deepEqual(frameTimes(8, 4), [1, 3, 5, 7]);
    assert.deepEqual(frameTimes(5, 1), [2.5]);
    assert.throws(() => frameTimes(0, 4), RangeError);
    assert.throws(() => frameTimes(5, 0), RangeError);
  });

  it('extracts four different frames from a 1080p clip, resized to 1429×804', async () => {
    const frames = await extractFrames(media.clip1080p, frameTimes(2, 4));
    assert.deepEqual(frames.map((frame) => frame.timeSeconds), [0.25, 0.75, 1.25, 1.75]);
    for (const frame of frames) {
      assert.deepEqual([frame.image.width, frame.image.height], [1429, 804]);
      assert.deepEqual([frame.image.originalWidth, frame.image.originalHeight], [1920, 1080]);
    }
    // testsrc2 moves: frames taken at different times must differ.
    const distinct = new Set(frames.map((frame) => frame.image.data.toString('base64')));
    assert.equal(distinct.size, 4);
  });
});
