import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_GENERATION_PRICES } from '../../src/config';
import { createFalProvider } from '../../src/providers/fal';
import { createPiapiProvider } from '../../src/providers/piapi';
import { createRunwayProvider } from '../../src/providers/runway';
import type { Simulator } from '../../src/sim/server';
import { sleep, startTestSimulator } from '../sim/sim-test-helpers';

describe('adapters pass the callback URL the way each provider takes it', function () {
  this.timeout(30_000);
  let sim: Simulator;
  let receiver: Server;
  let receiverUrl: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- callback bodies are read loosely
  let received: { url: string; headers: IncomingHttpHeaders; body: any }[] = [];

  before(async () => {
    sim = await startTestSimulator();
    receiver = createServer((request, response) => {
      let text = '';
      request.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      request.on('end', () => {
        received.push({ url: request.url ?? '', headers: request.headers, body: JSON.parse(text) });
        response.writeHead(200).end();
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

  async function oneCallback() {
    for (let wait = 0; wait < 300 && received.length === 0; wait++) await sleep(50);
    assert.equal(received.length, 1);
    return received[0];
  }

  const request = { prompt: 'A kite over a beach', kind: 'image' as const, durationSeconds: 0, aspectRatio: '16:9' };

  it('PiAPI: config.webhook_config { endpoint, secret }', async () => {
    const piapi = createPiapiProvider({ provider: 'flux', apiKey: 'k', baseUrl: sim.url, price: DEFAULT_GENERATION_PRICES.flux });
    const { taskId } = await piapi.submit({ ...request, callbackUrl: `${receiverUrl}/p?token=a`, callbackSecret: 'tok' });
    const callback = await oneCallback();
    assert.equal(callback.url, '/p?token=a');
    assert.equal(callback.headers['x-webhook-secret'], 'tok');
    assert.equal(callback.body.data.task_id, taskId);
  });

  it("fal: the client's webhookUrl (?fal_webhook=)", async () => {
    const fal = createFalProvider({ apiKey: 'k', simUrl: sim.url, price: DEFAULT_GENERATION_PRICES.falai });
    const { taskId } = await fal.submit({ ...request, callbackUrl: `${receiverUrl}/f?workflowId=w&token=b` });
    const callback = await oneCallback();
    assert.equal(callback.url, '/f?workflowId=w&token=b');
    assert.equal(callback.body.request_id, taskId);
    assert.equal(callback.body.status, 'OK');
  });

  it('Runway: no webhooks; the URL is ignored', async () => {
    const runway = createRunwayProvider({ apiKey: 'k', baseUrl: sim.url, price: DEFAULT_GENERATION_PRICES.runway });
    await runway.submit({ ...request, callbackUrl: `${receiverUrl}/r` });
    await sleep(500);
    assert.equal(received.length, 0);
    assert.equal(sim.calls().providers.runway.callbacks, 0);
  });
});
