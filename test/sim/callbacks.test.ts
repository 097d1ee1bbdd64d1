import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Simulator } from '../../src/sim/server';
import { call, sleep, startTestSimulator } from './sim-test-helpers';

interface Received {
  url: string;
  headers: IncomingHttpHeaders;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- callback bodies are read loosely
  body: any;
}

describe('simulator: webhook callbacks (PiAPI, fal)', function () {
  this.timeout(30_000);
  let sim: Simulator;
  let receiver: Server;
  let receiverUrl: string;
  let received: Received[] = [];

  before(async () => {
    sim = await startTestSimulator();
    receiver = createServer((request, response) => {
      let text = '';
      request.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      request.on('end', () => {
        received.push({ url: request.url ?? '', headers: request.headers, body: JSON.parse(text) });
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  });
  after(async () => {
    await sim.stop();
    await new Promise((resolve) => receiver.close(resolve));
  });
  beforeEach(() => {
    sim.reset();
    received = [];
  });

  async function callbacksArrive(count: number): Promise<Received[]> {
    for (let wait = 0; wait < 300 && received.length < count; wait++) await sleep(50);
    assert.equal(received.length, count, 'callbacks received');
    return received;
  }

  const piapiTask = (prompt: string, webhook?: { endpoint: string; secret: string }) =>
    call(`${sim.url}/api/v1/task`, {
      headers: { 'x-api-key': 'test-key' },
      json: {
        model: 'Qubico/flux1-schnell',
        task_type: 'txt2img',
        input: { prompt, width: 512, height: 384 },
        ...(webhook ? { config: { webhook_config: webhook } } : {}),
      },
    });

  const falRequest = (prompt: string, webhook?: string) =>
    call(`${sim.url}/fal/queue/fal-ai/flux/schnell${webhook ? `?fal_webhook=${encodeURIComponent(webhook)}` : ''}`, {
      headers: { authorization: 'Key test-key' },
      json: { prompt, image_size: 'landscape_16_9' },
    });

  it('PiAPI: POSTs { timestamp, data: <the task> } with x-webhook-secret once the task completed', async () => {
    sim.setScenarios([{ match: 'kite', latencyMs: 300 }]);
    const created = await piapiTask('A kite over a beach', { endpoint: `${receiverUrl}/hook?x=1`, secret: 's3cret' });
    const taskId = created.body.data.task_id as string;
    const [callback] = await callbacksArrive(1);
    assert.equal(callback.url, '/hook?x=1');
    assert.equal(callback.headers['x-webhook-secret'], 's3cret');
    assert.equal(typeof callback.body.timestamp, 'number');
    assert.equal(callback.body.data.task_id, taskId);
    assert.equal(callback.body.data.status, 'completed');
    assert.match(callback.body.data.output.image_url, /\/_sim\/files\/.+\.png$/);
    // The bytes exist when the callback says so.
    const task = await call(`${sim.url}/api/v1/task/${taskId}`, { headers: { 'x-api-key': 'test-key' } });
    assert.equal(task.body.data.status, 'completed');
    assert.equal(sim.calls().providers.flux.callbacks, 1);
    assert.equal(sim.calls().providers.flux.callbackFailures, 0);
  });

  it('PiAPI: a refused task is called back as failed', async () => {
    sim.setScenarios([{ match: 'forbidden', faults: { flux: ['refuse'] } }]);
    await piapiTask('A forbidden kite', { endpoint: `${receiverUrl}/hook`, secret: 's3cret' });
    const [callback] = await callbacksArrive(1);
    assert.equal(callback.body.data.status, 'failed');
    assert.match(callback.body.data.error.message, /moderation/);
  });

  it('fal: POSTs { request_id, status: "OK", payload: <the result> } when the request completed', async () => {
    const submitted = await falRequest('A kite at dusk', `${receiverUrl}/fal-hook?token=t`);
    const [callback] = await callbacksArrive(1);
    assert.equal(callback.url, '/fal-hook?token=t');
    assert.equal(callback.body.request_id, submitted.body.request_id);
    assert.equal(callback.body.gateway_request_id, submitted.body.request_id);
    assert.equal(callback.body.status, 'OK');
    assert.match(callback.body.payload.images[0].url, /\/_sim\/files\/.+\.png$/);
    assert.equal(sim.calls().providers.falai.callbacks, 1);
  });

  it('fal: a refused request is called back as ERROR with the 422 body as payload', async () => {
    sim.setScenarios([{ match: 'forbidden', faults: { falai: ['refuse'] } }]);
    await falRequest('A forbidden kite', `${receiverUrl}/fal-hook`);
    const [callback] = await callbacksArrive(1);
    assert.equal(callback.body.status, 'ERROR');
    assert.equal(callback.body.error, 'Invalid status code: 422');
    assert.equal(callback.body.payload.detail[0].type, 'content_policy_violation');
  });

  it('calls nobody for tasks created without a webhook, and counts a callback nobody took as failed', async () => {
    await piapiTask('A kite without a hook');
    await falRequest('Another kite without a hook');
    await falRequest('A kite with a dead hook', 'http://127.0.0.1:9/nowhere');
    for (let wait = 0; wait < 100 && sim.calls().providers.falai.callbackFailures === 0; wait++) await sleep(50);
    assert.equal(received.length, 0);
    assert.equal(sim.calls().providers.flux.callbacks, 0);
    assert.equal(sim.calls().providers.falai.callbacks, 1);
    assert.equal(sim.calls().providers.falai.callbackFailures, 1);
  });
});
