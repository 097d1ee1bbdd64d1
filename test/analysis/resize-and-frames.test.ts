import assert from 'node:assert/strict';
import sharp from 'sharp';
import { extractFrames, frameTimes } from '../../src/analysis/frames';
import { fitForModel, resizeForModel } from '../../src/analysis/resize-for-model';
import { CLAUDE_IMAGE_TIERS, claudeImageTokens } from '../../src/catalog/limits/anthropic';
import { acquireMediaFixtures, releaseMediaFixtures, type MediaFixtures } from './media-fixtures';

describe('images and frames for the model', function () {
  let media: MediaFixtures;
  before(async function () {
    this.timeout(60_000);
    media = await acquireMediaFixtures();
  });
  after(() => releaseMediaFixtures());

  it('fits standard-tier sizes inside 1568 px and about 1.15 MP, keeping the shape and never enlarging', () => {
    assert.deepEqual(fitForModel({ width: 3840, height: 2160 }, 'standard'), { width: 1429, height: 804 });
    assert.deepEqual(fitForModel({ width: 1920, height: 1080 }, 'standard'), { width: 1429, height: 804 });
    // A long panorama hits the edge limit before the token limit.
    assert.deepEqual(fitForModel({ width: 6000, height: 1000 }, 'standard'), { width: 1568, height: 261 });
    assert.deepEqual(fitForModel({ width: 1000, height: 1000 }, 'standard'), { width: 1000, height: 1000 });
  });

  it('fits high-tier sizes inside 2576 px and 4,784 patches of 28 px: a 1080p frame goes as it is', () => {
    assert.deepEqual(fitForModel({ width: 1920, height: 1080 }, 'high'), { width: 1920, height: 1080 });
    assert.equal(claudeImageTokens('high', 1920, 1080), 69 * 39);
    // 4K: the patch cap binds before the long edge.
    const fourK = fitForModel({ width: 3840, height: 2160 }, 'high');
    assert.ok(fourK.width > 2400 && fourK.width <= 2576, JSON.stringify(fourK));
    assert.ok(claudeImageTokens('high', fourK.width, fourK.height) <= 4784);
    assert.deepEqual(fitForModel({ width: 6000, height: 1000 }, 'high'), { width: 2576, height: 429 });
  });

  it('keeps every size inside its tier\'s limits, and as large as they allow', () => {
    for (const tier of ['standard', 'high'] as const) {
      const limits = CLAUDE_IMAGE_TIERS[tier];
      for (const size of [
        { width: 3840, height: 2160 },
        { width: 2160, height: 3840 },
        { width: 4096, height: 4096 },
        { width: 1093, height: 1093 },
        { width: 2577, height: 1449 },
      ]) {
        const fitted = fitForModel(size, tier);
        const label = `${tier} ${JSON.stringify(size)} → ${JSON.stringify(fitted)}`;
        assert.ok(Math.max(fitted.width, fitted.height) <= limits.maxLongEdgePx, label);
        assert.ok(claudeImageTokens(tier, fitted.width, fitted.height) <= limits.maxImageTokens, label);
        assert.ok(Math.abs(fitted.width / fitted.height - size.width / size.height) < 0.01, label);
        // Within 1 % of the largest size that fits: stepping down never overshoots far.
        const bigger = { width: Math.ceil(fitted.width * 1.01), height: Math.ceil(fitted.height * 1.01) };
        const fitsBigger =
          Math.max(bigger.width, bigger.height) <= limits.maxLongEdgePx &&
          claudeImageTokens(tier, bigger.width, bigger.height) <= limits.maxImageTokens &&
          bigger.width <= size.width;
        assert.ok(!fitsBigger, `${label} could be larger`);
      }
    }
  });

  it('resizes a 4K still to 1429×804 for the standard tier, a seventh of the tokens of the original', async () => {
    const image = await resizeForModel(media.still4k, 'standard');
    assert.deepEqual([image.originalWidth, image.originalHeight], [3840, 2160]);
    assert.deepEqual([image.width, image.height], [1429, 804]);
    const decoded = await sharp(image.data).metadata();
    assert.deepEqual([decoded.format, decoded.width, decoded.height], ['jpeg', 1429, 804]);
    assert.equal(claudeImageTokens('standard', image.width, image.height), 1532);
    assert.equal(claudeImageTokens('standard', 3840, 2160), 11060);
  });

  it('leaves a small image at its size', async () => {
    const image = await resizeForModel(media.goodImage, 'standard');
    assert.deepEqual([image.width, image.height], [1024, 576]);
  });

  it('spreads frame times evenly, each in the middle of its share of the clip', () => {
    assert.deepEqual(frameTimes(8, 4), [1, 3, 5, 7]);
    assert.deepEqual(frameTimes(5, 1), [2.5]);
    assert.throws(() => frameTimes(0, 4), RangeError);
    assert.throws(() => frameTimes(5, 0), RangeError);
  });

  it('extracts four different frames from a 1080p clip, resized to 1429×804', async () => {
    const frames = await extractFrames(media.clip1080p, frameTimes(2, 4), 'standard');
    assert.deepEqual(frames.map((frame) => frame.timeSeconds), [0.25, 0.75, 1.25, 1.75]);
    for (const frame of frames) {
      assert.deepEqual([frame.image.width, frame.image.height], [1429, 804]);
      assert.deepEqual([frame.image.originalWidth, frame.image.originalHeight], [1920, 1080]);
    }
    // testsrc2 moves: frames taken at different times must differ.
    const distinct = new Set(frames.map((frame) => frame.image.data.toString('base64')));
    assert.equal(distinct.size, 4);
  });

  it('sends a 1080p frame at its full size to a high-tier model', async () => {
    const [frame] = await extractFrames(media.clip1080p, [0.5], 'high');
    assert.deepEqual([frame.image.width, frame.image.height], [1920, 1080]);
  });
});
