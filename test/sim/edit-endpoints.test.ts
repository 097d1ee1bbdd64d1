import assert from 'node:assert/strict';
import sharp from 'sharp';
import type { Simulator } from '../../src/sim/server';
import { editAreas, editOutcome } from '../../src/sim/edit-model';
import { call, download, FAL_AUTH, falQueueResult, isMp4, isPng, probeVideo, RUNWAY_HEADERS, runwayTaskSettled, startTestSimulator } from './sim-test-helpers';
import { writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

const INSTRUCTION = 'Fix only these defects: 1. The logo is warped (in the area 40%-60% across and 30%-50% down the frame). Change nothing else.';

describe('simulator: edit endpoints (fal flux-pro/kontext, Runway video_to_video and reference images)', function () {
  this.timeout(60_000);
  let sim: Simulator;
  before(async () => {
    sim = await startTestSimulator();
  });
  after(() => sim.stop());
  beforeEach(() => sim.reset());

  const falResult = (app: string, id: string) => falQueueResult(sim.url, app, id);
  const runwayTask = (id: string) => runwayTaskSettled(sim.url, id, 300);
  const dataUri = (bytes: Buffer, type: string) => `data:${type};base64,${bytes.toString('base64')}`;
  const generatedImage = async () => {
    const submitted = await call(`${sim.url}/fal/queue/fal-ai/flux/schnell`, { headers: FAL_AUTH, json: { prompt: 'A ceramic mug on a wooden table', image_size: 'landscape_4_3' } });
    const result = await falResult('fal-ai/flux', submitted.body.request_id);
    return (await download(result.images[0].url)).bytes;
  };

  it('kontext edits the image it is sent: same size, the named box repainted, the rest unchanged', async () => {
    sim.setSettings({ edit: { fixChance: { falai: 1 }, damageRate: 0 } });
    const before = await generatedImage();
    const submitted = await call(`${sim.url}/fal/queue/fal-ai/flux-pro/kontext`, { headers: FAL_AUTH, json: { prompt: INSTRUCTION, image_url: dataUri(before, 'image/png') } });
    assert.equal(submitted.status, 200, JSON.stringify(submitted.body));
    assert.equal(submitted.body.status_url, `https://queue.fal.run/fal-ai/flux-pro/requests/${submitted.body.request_id}/status`);
    const result = await falResult('fal-ai/flux-pro', submitted.body.request_id);
    const after = (await download(result.images[0].url)).bytes;
    assert.ok(isPng(after));
    const [a, b] = await Promise.all([before, after].map((png) => sharp(png).raw().toBuffer({ resolveWithObject: true })));
    assert.deepEqual([b.info.width, b.info.height], [a.info.width, a.info.height]);
    const { width, height } = a.info;
    const differs = (x: number, y: number) => [0, 1, 2].some((c) => a.data[(y * width + x) * 3 + c] !== b.data[(y * width + x) * 3 + c]);
    let inside = 0;
    let outside = 0;
    for (let y = 0; y < height; y += 4) {
      for (let x = 0; x < width; x += 4) {
        const inBox = x >= 0.4 * width && x < 0.6 * width && y >= 0.3 * height && y < 0.5 * height;
        if (differs(x, y) && inBox) inside++;
        else if (differs(x, y)) outside++;
      }
    }
    assert.ok(inside > 50, `the box changed in ${inside} samples`);
    assert.equal(outside, 0);
  });

  it('kontext refuses what fal refuses: no image_url, a bad aspect ratio, a file it cannot get', async () => {
    const missing = await call(`${sim.url}/fal/queue/fal-ai/flux-pro/kontext`, { headers: FAL_AUTH, json: { prompt: INSTRUCTION } });
    assert.equal(missing.status, 422);
    assert.deepEqual(missing.body.detail[0].loc, ['body', 'image_url']);
    assert.equal(missing.body.detail[0].type, 'missing');
    const ratio = await call(`${sim.url}/fal/queue/fal-ai/flux-pro/kontext`, { headers: FAL_AUTH, json: { prompt: INSTRUCTION, image_url: 'data:image/png;base64,AAAA', aspect_ratio: '5:4' } });
    assert.equal(ratio.status, 422);
    assert.deepEqual(ratio.body.detail[0].loc, ['body', 'aspect_ratio']);
    const unreachable = await call(`${sim.url}/fal/queue/fal-ai/flux-pro/kontext`, { headers: FAL_AUTH, json: { prompt: INSTRUCTION, image_url: `${sim.url}/_sim/files/nothing.png` } });
    assert.equal(unreachable.status, 422);
    assert.equal(unreachable.body.detail[0].type, 'file_download_error');
    const tooBig = await call(`${sim.url}/fal/queue/fal-ai/flux-pro/kontext`, { headers: FAL_AUTH, json: { prompt: INSTRUCTION, image_url: dataUri(Buffer.alloc(5 * 1024 * 1024 + 1, 1), 'image/png') } });
    assert.equal(tooBig.status, 422);
    assert.match(tooBig.body.detail[0].msg, /at most 5242880/);
    assert.equal(sim.calls().providers.falai?.submissions ?? 0, 0);
  });

  it('Runway video_to_video (aleph2) edits a clip it made: an MP4 as long as the source', async () => {
    const created = await call(`${sim.url}/v1/text_to_video`, { headers: RUNWAY_HEADERS, json: { model: 'gen4.5', promptText: 'A harbour at dawn', ratio: '1280:720', duration: 3 } });
    const made = await runwayTask(created.body.id);
    const clip = (await download(made.output[0])).bytes;
    const edit = await call(`${sim.url}/v1/video_to_video`, { headers: RUNWAY_HEADERS, json: { model: 'aleph2', videoUri: dataUri(clip, 'video/mp4'), promptText: INSTRUCTION } });
    assert.equal(edit.status, 200, JSON.stringify(edit.body));
    assert.equal(edit.body.estimatedCost.credits, 45);
    const task = await runwayTask(edit.body.id);
    assert.equal(task.status, 'SUCCEEDED');
    const file = await download(task.output[0]);
    assert.ok(isMp4(file.bytes));
    const probe = async (bytes: Buffer) => {
      const scratch = path.join(tmpdir(), `edit-${process.pid}-${bytes.length}.mp4`);
      await writeFile(scratch, bytes);
      try {
        return await probeVideo(scratch);
      } finally {
        await rm(scratch, { force: true });
      }
    };
    const [source, edited] = [await probe(clip), await probe(file.bytes)];
    assert.ok(Math.abs(edited.duration - source.duration) < 0.5, `duration ${edited.duration} against ${source.duration}`);
    assert.deepEqual([edited.width, edited.height], [source.width, source.height]);
    assert.notDeepEqual(file.bytes, clip);
  });

  it('Runway refuses what it refuses: another model, no videoUri, a duration, an image as the video, four reference images, a bad tag', async () => {
    const post = (endpoint: string, json: unknown) => call(`${sim.url}/v1/${endpoint}`, { headers: RUNWAY_HEADERS, json });
    const model = await post('video_to_video', { model: 'gen4_aleph', videoUri: 'https://example.invalid/a.mp4' });
    assert.equal(model.status, 400);
    assert.deepEqual(model.body.issues[0].path, ['model']);
    const noUri = await post('video_to_video', { model: 'aleph2', promptText: 'x' });
    assert.equal(noUri.status, 400);
    const duration = await post('video_to_video', { model: 'aleph2', videoUri: 'data:video/mp4;base64,AAAA', duration: 5 });
    assert.deepEqual(duration.body.issues[0].path, ['duration']);
    const png = await generatedImage();
    const notVideo = await post('video_to_video', { model: 'aleph2', videoUri: dataUri(png, 'image/png'), promptText: INSTRUCTION });
    assert.equal(notVideo.status, 400);
    assert.match(notVideo.body.issues[0].message, /not a video/);
    const refs = Array.from({ length: 4 }, () => ({ uri: dataUri(png, 'image/png') }));
    const four = await post('text_to_image', { model: 'gen4_image', promptText: INSTRUCTION, ratio: '1280:720', referenceImages: refs });
    assert.equal(four.status, 400);
    assert.deepEqual(four.body.issues[0].path, ['referenceImages']);
    const tag = await post('text_to_image', { model: 'gen4_image', promptText: INSTRUCTION, ratio: '1280:720', referenceImages: [{ uri: dataUri(png, 'image/png'), tag: 'a-b' }] });
    assert.deepEqual(tag.body.issues[0].path, ['referenceImages', '0', 'tag']);
    const ok = await post('text_to_image', { model: 'gen4_image', promptText: INSTRUCTION, ratio: '1280:720', referenceImages: [{ uri: dataUri(png, 'image/png'), tag: 'asset' }] });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal((await runwayTask(ok.body.id)).status, 'SUCCEEDED');
  });

  it('an edit fixes each named place with its provider’s chance and sometimes damages another (seeded)', () => {
    const [area] = editAreas(INSTRUCTION);
    assert.deepEqual([area.x, area.y].map((v) => Math.round(v * 100)), [40, 30]);
    assert.deepEqual([area.w, area.h].map((v) => Math.round(v * 100)), [20, 20]);
    assert.deepEqual(editAreas('make the whole thing warmer'), []);
    const areas = editAreas(INSTRUCTION);
    let fixed = 0;
    let damaged = 0;
    const n = 4000;
    for (let i = 0; i < n; i++) {
      const outcome = editOutcome(areas, 'runway', { fixChance: { runway: 0.8 }, damageRate: 0.1 }, `k${i}`);
      fixed += outcome.fixed.length;
      if (outcome.damaged) damaged++;
    }
    // Binomial sd at 4000 draws is under 0.007: five of them either side.
    assert.ok(Math.abs(fixed / n - 0.8) < 0.035, `fixed ${fixed / n}`);
    assert.ok(Math.abs(damaged / n - 0.1) < 0.025, `damaged ${damaged / n}`);
    assert.deepEqual(editOutcome(areas, 'runway', { fixChance: { runway: 0.8 }, damageRate: 0.1 }, 'same'), editOutcome(areas, 'runway', { fixChance: { runway: 0.8 }, damageRate: 0.1 }, 'same'));
    assert.deepEqual(editOutcome(areas, 'kling', { fixChance: { runway: 1 }, damageRate: 0 }, 'x').fixed, []);
  });
});
