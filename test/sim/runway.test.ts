import assert from 'node:assert/strict';
import RunwayML from '@runwayml/sdk';
import type { Simulator } from '../../src/sim/server';
import { call, download, isMp4, isPng, RUNWAY_HEADERS, runwayTaskSettled, sleep, startTestSimulator } from './sim-test-helpers';


describe('simulator: Runway', function () {
  this.timeout(30_000);
  let sim: Simulator;

  before(async () => {
    sim = await startTestSimulator();
  });
  after(() => sim.stop());
  beforeEach(() => sim.reset());

  const settle = (id: string) => runwayTaskSettled(sim.url, id);

  it('runs text_to_video through PENDING and RUNNING to SUCCEEDED with an MP4 output', async () => {
    // Long enough that the first poll lands in the queued third even on a busy machine.
    sim.setScenarios([{ match: 'harbour', latencyMs: 3000 }]);
    const created = await call(`${sim.url}/v1/text_to_video`, {
      headers: RUNWAY_HEADERS,
      json: { model: 'gen4.5', promptText: 'A harbour at dawn', ratio: '1280:720', duration: 2 },
    });
    assert.equal(created.status, 200);
    assert.equal(typeof created.body.id, 'string');
    assert.ok(created.body.estimatedCost.credits > 0);

    const seen = new Set<string>();
    let task;
    for (let poll = 0; poll < 100; poll++) {
      task = (await call(`${sim.url}/v1/tasks/${created.body.id}`, { headers: RUNWAY_HEADERS })).body;
      seen.add(task.status);
      if (task.status === 'RUNNING') assert.ok(task.progress >= 0 && task.progress <= 1);
      if (task.status === 'SUCCEEDED') break;
      await sleep(60);
    }
    assert.deepEqual([...seen], ['PENDING', 'RUNNING', 'SUCCEEDED']);
    assert.equal(task.output.length, 1);
    const file = await download(task.output[0]);
    assert.equal(file.contentType, 'video/mp4');
    assert.ok(isMp4(file.bytes));
    assert.deepEqual(sim.calls().providers.runway.downloads, 1);
  });

  it('makes a PNG for text_to_image', async () => {
    const created = await call(`${sim.url}/v1/text_to_image`, {
      headers: RUNWAY_HEADERS,
      json: { model: 'gen4_image', promptText: 'A red apple on a table', ratio: '1024:1024' },
    });
    const task = await settle(created.body.id);
    assert.equal(task.status, 'SUCCEEDED');
    const file = await download(task.output[0]);
    assert.ok(isPng(file.bytes));
    assert.equal(file.bytes.readUInt32BE(16), 1024);
  });

  it('needs a bearer key and the X-Runway-Version header', async () => {
    const body = { model: 'gen4.5', promptText: 'x', ratio: '1280:720', duration: 2 };
    const noKey = await call(`${sim.url}/v1/text_to_video`, { headers: { 'x-runway-version': '2024-11-06' }, json: body });
    assert.equal(noKey.status, 401);
    assert.equal(typeof noKey.body.error, 'string');
    const noVersion = await call(`${sim.url}/v1/text_to_video`, { headers: { authorization: 'Bearer k' }, json: body });
    assert.equal(noVersion.status, 400);
    assert.match(noVersion.body.error, /X-Runway-Version/);
    assert.equal(sim.calls().providers.runway.submissions, 0);
  });

  it('answers a bad body with 400, issues and a docUrl', async () => {
    const bad = await call(`${sim.url}/v1/text_to_video`, {
      headers: RUNWAY_HEADERS,
      json: { model: 'gen4.5', promptText: 'x'.repeat(1001), ratio: 'wide' },
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error, 'Validation of body failed');
    const paths = (bad.body.issues as { path: string[] }[]).map((issue) => issue.path.join('.'));
    assert.deepEqual(paths.sort(), ['promptText', 'ratio']);
    assert.match(bad.body.docUrl, /^https:\/\//);
  });

  it('reports a refusal as FAILED with a SAFETY failure code', async () => {
    sim.setScenarios([{ match: 'forbidden', faults: { runway: ['refuse'] } }]);
    const created = await call(`${sim.url}/v1/text_to_video`, {
      headers: RUNWAY_HEADERS,
      json: { model: 'gen4.5', promptText: 'A forbidden scene', ratio: '1280:720', duration: 2 },
    });
    const task = await settle(created.body.id);
    assert.equal(task.status, 'FAILED');
    assert.equal(task.failureCode, 'SAFETY.INPUT.TEXT');
    assert.equal(typeof task.failure, 'string');
  });

  it('reports moderation it could not run as FAILED with INPUT_PREPROCESSING.INTERNAL', async () => {
    sim.setScenarios([{ match: 'unchecked', faults: { runway: ['moderation_down'] } }]);
    const created = await call(`${sim.url}/v1/text_to_video`, {
      headers: RUNWAY_HEADERS,
      json: { model: 'gen4.5', promptText: 'An unchecked scene', ratio: '1280:720', duration: 2 },
    });
    const task = await settle(created.body.id);
    assert.equal(task.status, 'FAILED');
    assert.equal(task.failureCode, 'INPUT_PREPROCESSING.INTERNAL');
  });

  it('cancels a running task with DELETE (204) and deletes a finished one', async () => {
    sim.setScenarios([{ match: 'slow', latencyMs: 60_000 }]);
    const created = await call(`${sim.url}/v1/text_to_video`, {
      headers: RUNWAY_HEADERS,
      json: { model: 'gen4.5', promptText: 'A slow harbour', ratio: '1280:720', duration: 2 },
    });
    const deleted = await fetch(`${sim.url}/v1/tasks/${created.body.id}`, { method: 'DELETE', headers: RUNWAY_HEADERS });
    assert.equal(deleted.status, 204);
    assert.equal((await call(`${sim.url}/v1/tasks/${created.body.id}`, { headers: RUNWAY_HEADERS })).body.status, 'CANCELLED');
    const again = await fetch(`${sim.url}/v1/tasks/${created.body.id}`, { method: 'DELETE', headers: RUNWAY_HEADERS });
    assert.equal(again.status, 204);
    assert.equal((await call(`${sim.url}/v1/tasks/${created.body.id}`, { headers: RUNWAY_HEADERS })).status, 404);
    assert.equal(sim.calls().providers.runway.cancels, 2);
  });

  it('works with the official @runwayml/sdk pointed at it', async () => {
    const client = new RunwayML({ apiKey: 'key_test', baseURL: sim.url, maxRetries: 0 });
    const created = await client.textToImage.create({ model: 'gen4_image', promptText: 'A red apple on a table', ratio: '1024:1024' });
    assert.equal(typeof created.id, 'string');
    const task = await client.tasks.retrieve(created.id);
    assert.ok(['PENDING', 'RUNNING', 'SUCCEEDED'].includes(task.status));
    await client.tasks.delete(created.id);
  });
});
