import assert from 'node:assert/strict';
import { createFalClient, ValidationError } from '@fal-ai/client';
import type { Simulator } from '../../src/sim/server';
import { call, download, isPng, sleep, startTestSimulator } from './sim-test-helpers';

const AUTH = { authorization: 'Key test-key' };
const REAL_QUEUE = 'https://queue.fal.run/';

describe('simulator: fal.ai queue', function () {
  this.timeout(30_000);
  let sim: Simulator;
  const queue = () => `${sim.url}/fal/queue/`;
  /** What the adapter's requestMiddleware does: the real host becomes the simulator's path. */
  const rewrite = (url: string) => (url.startsWith(REAL_QUEUE) ? queue() + url.slice(REAL_QUEUE.length) : url);

  before(async () => {
    sim = await startTestSimulator();
  });
  after(() => sim.stop());
  beforeEach(() => sim.reset());

  const submit = (prompt: unknown, headers: Record<string, string> = AUTH) =>
    call(`${queue()}fal-ai/flux/schnell`, { headers, json: { prompt, image_size: 'landscape_16_9' } });

  it('queues, reports 202 then 200, and returns real PNG images; status lives under owner/app only', async () => {
    sim.setScenarios([{ match: 'orchard', latencyMs: 1500 }]);
    const submitted = await submit('An orchard in bloom');
    assert.equal(submitted.status, 200);
    const id = submitted.body.request_id as string;
    assert.equal(submitted.body.status, 'IN_QUEUE');
    assert.equal(submitted.body.status_url, `https://queue.fal.run/fal-ai/flux/requests/${id}/status`);
    assert.equal(submitted.body.response_url, `https://queue.fal.run/fal-ai/flux/requests/${id}`);
    assert.equal(submitted.body.cancel_url, `https://queue.fal.run/fal-ai/flux/requests/${id}/cancel`);

    const seen: string[] = [];
    for (let poll = 0; poll < 100; poll++) {
      const status = await call(rewrite(submitted.body.status_url), { headers: AUTH });
      if (seen.at(-1) !== status.body.status) seen.push(status.body.status);
      assert.equal(status.status, status.body.status === 'COMPLETED' ? 200 : 202);
      if (status.body.status === 'COMPLETED') break;
      await sleep(60);
    }
    assert.deepEqual(seen, ['IN_QUEUE', 'IN_PROGRESS', 'COMPLETED']);

    const result = await call(rewrite(submitted.body.response_url), { headers: AUTH });
    assert.equal(result.status, 200);
    assert.equal(result.body.prompt, 'An orchard in bloom');
    assert.deepEqual(result.body.has_nsfw_concepts, [false]);
    const [image] = result.body.images;
    assert.deepEqual([image.width, image.height, image.content_type], [1024, 576, 'image/png']);
    const file = await download(image.url);
    assert.ok(isPng(file.bytes));

    const withSubPath = await call(`${queue()}fal-ai/flux/schnell/requests/${id}/status`, { headers: AUTH });
    assert.equal(withSubPath.status, 404, 'status URLs use owner/app, never the sub-path');
    const calls = sim.calls().providers.falai;
    assert.equal(calls.submissions, 1);
    assert.equal(calls.downloads, 1);
  });

  it('needs Authorization: Key', async () => {
    assert.equal((await submit('An orchard', {})).status, 401);
    assert.equal((await submit('An orchard', { authorization: 'Bearer x' })).status, 401);
  });

  it('answers a submission without a prompt with a 422 validation detail', async () => {
    const response = await call(`${queue()}fal-ai/flux/schnell`, { headers: AUTH, json: { image_size: 'square' } });
    assert.equal(response.status, 422);
    assert.deepEqual(response.body.detail[0].loc, ['body', 'prompt']);
  });

  it('accepts a refused prompt and answers its result with 422 content_policy_violation', async () => {
    sim.setScenarios([{ match: 'forbidden', faults: { falai: ['refuse'] } }]);
    const submitted = await submit('A forbidden orchard');
    assert.equal(submitted.status, 200);
    const status = await call(rewrite(submitted.body.status_url), { headers: AUTH });
    assert.equal(status.body.status, 'COMPLETED');
    const result = await call(rewrite(submitted.body.response_url), { headers: AUTH });
    assert.equal(result.status, 422);
    assert.equal(result.body.detail[0].type, 'content_policy_violation');
  });

  it('cancels a queued request with PUT', async () => {
    sim.setScenarios([{ match: 'slow', latencyMs: 60_000 }]);
    const submitted = await submit('A slow orchard');
    const cancel = await call(rewrite(submitted.body.cancel_url), { method: 'PUT', headers: { ...AUTH, 'content-type': 'application/json' } });
    assert.equal(cancel.status, 202);
    assert.equal(cancel.body.status, 'CANCELLATION_REQUESTED');
    assert.equal(sim.calls().providers.falai.cancels, 1);
  });

  it('serves the official @fal-ai/client through a URL-rewriting requestMiddleware', async () => {
    const fal = createFalClient({
      credentials: 'test-key',
      requestMiddleware: async (request) => ({ ...request, url: rewrite(request.url) }),
    });
    const { request_id: requestId } = await fal.queue.submit('fal-ai/flux/schnell', { input: { prompt: 'An orchard in bloom' } });
    let status = await fal.queue.status('fal-ai/flux/schnell', { requestId });
    for (let poll = 0; poll < 100 && status.status !== 'COMPLETED'; poll++) {
      await sleep(50);
      status = await fal.queue.status('fal-ai/flux/schnell', { requestId });
    }
    assert.equal(status.status, 'COMPLETED');
    const result = await fal.queue.result('fal-ai/flux/schnell', { requestId });
    assert.equal(result.requestId, requestId);
    const data = result.data as { images: { url: string }[] };
    assert.match(data.images[0].url, /\/_sim\/files\/.+\.png$/);

    sim.setScenarios([{ match: 'forbidden', faults: { falai: ['refuse'] } }]);
    const refused = await fal.queue.submit('fal-ai/flux/schnell', { input: { prompt: 'A forbidden orchard' } });
    await assert.rejects(fal.queue.result('fal-ai/flux/schnell', { requestId: refused.request_id }), (error: unknown) => {
      assert.ok(error instanceof ValidationError);
      assert.equal(error.fieldErrors[0].type, 'content_policy_violation');
      return true;
    });
  });
});
