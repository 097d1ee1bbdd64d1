import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { MediaProbeError, probeMedia } from '../../src/media/probe';
import { makeMp4, makePng } from './media-fixtures';

describe('probeMedia', () => {
  let dir: string;
  const file = async (name: string, content: Buffer | string): Promise<string> => {
    const filePath = path.join(dir, name);
    await writeFile(filePath, content);
    return filePath;
  };

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'probe-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a PNG as an image with its dimensions', async () => {
    const probe = await probeMedia(await file('a.part', await makePng(64, 48)));
    assert.deepEqual(probe, { kind: 'image', mediaType: 'image/png', extension: 'png', width: 64, height: 48 });
  });

  it('reports a JPEG with an EXIF quarter turn as displayed', async () => {
    const jpeg = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#336699' } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const probe = await probeMedia(await file('rotated.part', jpeg));
    assert.equal(probe.mediaType, 'image/jpeg');
    assert.equal(probe.extension, 'jpg');
    assert.deepEqual([probe.width, probe.height], [30, 40]);
  });

  it('reads an MP4 as a video with dimensions and duration', async () => {
    const probe = await probeMedia(await file('clip.part', await makeMp4(320, 180, 2)));
    assert.equal(probe.kind, 'video');
    assert.equal(probe.mediaType, 'video/mp4');
    assert.equal(probe.extension, 'mp4');
    assert.deepEqual([probe.width, probe.height], [320, 180]);
    assert.ok(Math.abs((probe.durationSeconds ?? 0) - 2) < 0.2, `duration ${probe.durationSeconds}`);
  });

  it('refuses bytes that are neither image nor video', async () => {
    await assert.rejects(probeMedia(await file('junk.part', Buffer.alloc(4096, 7))), MediaProbeError);
  });

  it('refuses an SVG even though it would decode', async () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>';
    await assert.rejects(probeMedia(await file('vector.part', svg)), /Unsupported image format: svg/);
  });

  it('refuses a playlist posing as a video instead of following it', async () => {
    const playlist = '#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\nfile:///etc/passwd\n#EXT-X-ENDLIST\n';
    await assert.rejects(probeMedia(await file('playlist.part', playlist)), MediaProbeError);
  });
});
