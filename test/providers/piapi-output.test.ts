import assert from 'node:assert/strict';
import {
  readFluxImageUrl,
  readHailuoProgress,
  readHailuoVideoUrl,
  readKlingVideoUrl,
  readLumaVideoUrl,
} from '../../src/providers/piapi-output';

describe('PiAPI output readers', () => {
  describe('Kling, in every shape its versions use', () => {
    it('reads output.video as a string (3.0 and later)', () => {
      assert.equal(readKlingVideoUrl({ video: 'https://cdn.test/v3.mp4' }), 'https://cdn.test/v3.mp4');
    });

    it('reads output.video_url (1.x / 2.x)', () => {
      assert.equal(readKlingVideoUrl({ video_url: 'https://cdn.test/v2.mp4', works: [] }), 'https://cdn.test/v2.mp4');
    });

    it('reads works[0].video, preferring the copy without a watermark', () => {
      const output = {
        works: [{ video: { resource: 'https://cdn.test/wm.mp4', resource_without_watermark: 'https://cdn.test/clean.mp4' } }],
      };
      assert.equal(readKlingVideoUrl(output), 'https://cdn.test/clean.mp4');
      assert.equal(
        readKlingVideoUrl({ works: [{ video: { resource: 'https://cdn.test/wm.mp4', resource_without_watermark: '' } }] }),
        'https://cdn.test/wm.mp4',
      );
    });

    it('skips empty strings and odd types in favour of the next place', () => {
      assert.equal(
        readKlingVideoUrl({ video: '', video_url: 42, works: [{ video: { resource: 'https://cdn.test/r.mp4' } }] }),
        'https://cdn.test/r.mp4',
      );
    });

    it('finds nothing in an unfinished output', () => {
      assert.equal(readKlingVideoUrl(null), undefined);
      assert.equal(readKlingVideoUrl({}), undefined);
      assert.equal(readKlingVideoUrl({ works: null, status: 5 }), undefined);
    });
  });

  it('reads Luma from video.url, video_raw.url or the nested generation', () => {
    assert.equal(readLumaVideoUrl({ video: { url: 'https://cdn.test/l.mp4' } }), 'https://cdn.test/l.mp4');
    assert.equal(readLumaVideoUrl({ video: null, video_raw: { url: 'https://cdn.test/raw.mp4' } }), 'https://cdn.test/raw.mp4');
    assert.equal(readLumaVideoUrl({ generation: { video: { url: 'https://cdn.test/g.mp4' } } }), 'https://cdn.test/g.mp4');
  });

  it('reads Hailuo from video_url or download_url, and its percent as progress', () => {
    assert.equal(readHailuoVideoUrl({ video_url: '', download_url: 'https://cdn.test/h.mp4' }), 'https://cdn.test/h.mp4');
    assert.equal(readHailuoProgress({ percent: 40 }), 0.4);
    assert.equal(readHailuoProgress({ percent: 'x' }), undefined);
  });

  it('reads Flux from image_url or the first of image_urls', () => {
    assert.equal(readFluxImageUrl({ image_url: 'https://cdn.test/f.png', image_base64: '' }), 'https://cdn.test/f.png');
    assert.equal(readFluxImageUrl({ image_urls: ['https://cdn.test/1.png', 'https://cdn.test/2.png'] }), 'https://cdn.test/1.png');
  });
});
