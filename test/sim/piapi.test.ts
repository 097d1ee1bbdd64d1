import assert from 'node:assert/strict';
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Simulator } from '../../src/sim/server';
import { call, download, isMp4, isPng, probeVideo, sleep, startTestSimulator } from './sim-test-helpers';

const KEY = { 'x-api-key': 'test-key' };

describe('simulator: PiAPI', function () {
  this.timeout(30_000);
  let sim: Simulator;
  let scratch: string;

  before(async () => {
    sim = await startTestSimulator();
    scratch = await mkdtemp(path.join(tmpdir(), 'sim-piapi-'));
  });
  after(async () => {
    await sim.stop();
    await rm(scratch, { recursive: true, force: true });
  });
  beforeEach(() => sim.reset());

  const createTask = (json: unknown, headers: Record<string, string> = KEY) =>
    call(`${sim.url}/api/v1/task`, { json, headers });
  const getTask = (id: string) => call(`${sim.url}/api/v1/task/${id}`, { headers: KEY });
  /** Latency 0 finishes on the first poll once the bytes exist; a cold render may take a few more. */
  const settle = async (id: string) => {
    for (let poll = 0; poll < 200; poll++) {
      const data = (await getTask(id)).body.data;
      if (data.status !== 'pending' && data.status !== 'processing') return data;
      await sleep(50);
    }
    assert.fail(`task ${id} did not settle`);
  };

  it('takes a kling task from pending through processing to completed, with a real MP4 of the asked duration', async () => {
    sim.setScenarios([{ match: 'lighthouse', latencyMs: 1500 }]);
    const created = await createTask({
      model: 'kling',
      task_type: 'video_generation',
      input: { prompt: 'A lighthouse on a cliff', duration: 5, aspect_ratio: '16:9', version: '2.6', mode: 'std' },
    });
    assert.equal(created.status, 200);
    assert.equal(created.body.code, 200);
    assert.equal(created.body.data.status, 'pending');
    assert.equal(created.body.data.output, null);
    assert.equal(created.body.data.input.prompt, 'A lighthouse on a cliff');
    const id = created.body.data.task_id as string;

    const statuses = new Set<string>();
    let data;
    for (let poll = 0; poll < 100; poll++) {
      data = (await getTask(id)).body.data;
      statuses.add(data.status);
      if (data.status === 'completed') break;
      await sleep(60);
    }
    assert.deepEqual([...statuses], ['pending', 'processing', 'completed']);
    const url = data.output.video_url as string;
    assert.equal(data.output.works[0].video.resource_without_watermark, url);
    assert.equal(data.error.message, '');

    const file = await download(url);
    assert.equal(file.status, 200);
    assert.equal(file.contentType, 'video/mp4');
    assert.ok(isMp4(file.bytes), 'an MP4 file');
    const clip = path.join(scratch, 'clip.mp4');
    await writeFile(clip, file.bytes);
    const probe = await probeVideo(clip);
    assert.equal(probe.codec, 'h264');
    assert.ok(Math.abs(probe.duration - 5) < 0.3, `duration ${probe.duration}`);
    assert.deepEqual([probe.width, probe.height], [640, 360]);

    const counts = sim.calls().providers.kling;
    assert.equal(counts.submissions, 1);
    assert.ok(counts.polls >= 3);
    assert.equal(counts.downloads, 1);
  });

  it('answers kling 3.0 with output.video as a URL string', async () => {
    const created = await createTask({
      model: 'kling',
      task_type: 'video_generation',
      input: { prompt: 'A lighthouse on a cliff', duration: 3, version: '3.0', mode: 'std' },
    });
    const data = await settle(created.body.data.task_id);
    assert.equal(data.status, 'completed');
    assert.equal(typeof data.output.video, 'string');
    assert.match(data.output.video, /\/_sim\/files\/.+\.mp4$/);
  });

  it('gives luma and hailuo their own output shapes', async () => {
    const luma = await createTask({ model: 'luma', task_type: 'video_generation', input: { prompt: 'A lighthouse on a cliff', duration: 5 } });
    const lumaData = await settle(luma.body.data.task_id);
    assert.equal(lumaData.status, 'completed');
    assert.deepEqual(Object.keys(lumaData.output.video).sort(), ['height', 'url', 'width']);

    const hailuo = await createTask({ model: 'hailuo', task_type: 'video_generation', input: { prompt: 'A lighthouse on a cliff', model: 't2v-01' } });
    const hailuoData = await settle(hailuo.body.data.task_id);
    assert.equal(hailuoData.status, 'completed');
    assert.match(hailuoData.output.video_url, /\.mp4$/);
    assert.equal(hailuoData.output.download_url, hailuoData.output.video_url);
  });

  it('makes flux images as real PNGs of the asked size', async () => {
    const created = await createTask({
      model: 'Qubico/flux1-schnell',
      task_type: 'txt2img',
      input: { prompt: 'A red apple on a table', width: 512, height: 384 },
    });
    const data = await settle(created.body.data.task_id);
    assert.equal(data.status, 'completed');
    const file = await download(data.output.image_url);
    assert.equal(file.contentType, 'image/png');
    assert.ok(isPng(file.bytes));
    assert.equal(file.bytes.readUInt32BE(16), 512);
    assert.equal(file.bytes.readUInt32BE(20), 384);
    assert.equal(sim.calls().providers.flux.downloads, 1);
  });

  it('refuses a missing or empty X-API-Key with 401', async () => {
    const body = { model: 'kling', task_type: 'video_generation', input: { prompt: 'x' } };
    const missing = await createTask(body, {});
    assert.equal(missing.status, 401);
    assert.equal(missing.body.code, 401);
    assert.equal((await createTask(body, { 'x-api-key': ' ' })).status, 401);
    assert.equal((await call(`${sim.url}/api/v1/task/whatever`)).status, 401);
    assert.equal(sim.calls().providers.kling.submissions, 0);
  });

  it('rejects bad requests with 400 and a message naming the problem', async () => {
    const noPrompt = await createTask({ model: 'kling', task_type: 'video_generation', input: {} });
    assert.equal(noPrompt.status, 400);
    assert.match(noPrompt.body.message, /prompt/);
    const unknownModel = await createTask({ model: 'sora', task_type: 'video_generation', input: { prompt: 'x' } });
    assert.equal(unknownModel.status, 400);
    assert.match(unknownModel.body.message, /sora/);
    const wrongType = await createTask({ model: 'luma', task_type: 'txt2img', input: { prompt: 'x' } });
    assert.equal(wrongType.status, 400);
    assert.equal((await getTask('no-such-task')).status, 404);
  });

  it('cancels a pending task and refuses to cancel a finished one', async () => {
    sim.setScenarios([{ match: 'slow', latencyMs: 60_000 }]);
    const slow = await createTask({ model: 'kling', task_type: 'video_generation', input: { prompt: 'A slow lighthouse', duration: 5 } });
    const id = slow.body.data.task_id as string;
    const cancelled = await call(`${sim.url}/api/v1/task/${id}`, { method: 'DELETE', headers: KEY });
    assert.equal(cancelled.status, 200);
    assert.equal(cancelled.body.message, `task ${id} canceled`);
    const after = (await getTask(id)).body.data;
    assert.equal(after.status, 'failed');
    assert.match(after.error.message, /cancel/);

    const quick = await createTask({ model: 'Qubico/flux1-schnell', task_type: 'txt2img', input: { prompt: 'A red apple on a table', width: 512, height: 384 } });
    await settle(quick.body.data.task_id);
    const late = await call(`${sim.url}/api/v1/task/${quick.body.data.task_id}`, { method: 'DELETE', headers: KEY });
    assert.equal(late.status, 400);
    assert.equal(sim.calls().providers.kling.cancels, 1);
  });
});
