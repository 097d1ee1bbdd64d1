import assert from 'node:assert/strict';
import type { Simulator } from '../../src/sim/server';
import { call, download, sleep, startTestSimulator } from './sim-test-helpers';

const KEY = { 'x-api-key': 'test-key' };
const TIMEOUT_FAULT_MS = 150;

describe('simulator: scripted provider faults', function () {
  this.timeout(30_000);
  let sim: Simulator;

  before(async () => {
    sim = await startTestSimulator({ timeoutFaultMs: TIMEOUT_FAULT_MS });
  });
  after(() => sim.stop());
  beforeEach(() => sim.reset());

  const submitFlux = (prompt: string) =>
    call(`${sim.url}/api/v1/task`, {
      headers: KEY,
      json: { model: 'Qubico/flux1-schnell', task_type: 'txt2img', input: { prompt, width: 512, height: 384 } },
    });
  const settle = async (id: string) => {
    for (let poll = 0; poll < 200; poll++) {
      const data = (await call(`${sim.url}/api/v1/task/${id}`, { headers: KEY })).body.data;
      if (data.status !== 'pending' && data.status !== 'processing') return data;
      await sleep(50);
    }
    assert.fail(`task ${id} did not settle`);
  };

  it('plays each kind in order for the n-th matching submission, then succeeds', async () => {
    sim.setScenarios([
      { match: 'Troubled Orchard', faults: { flux: ['http429', 'http500', 'timeout', 'refuse', 'expired_url'] } },
    ]);
    const prompt = 'A troubled orchard at noon';

    const limited = await submitFlux(prompt);
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '1');
    assert.equal(limited.body.code, 429);

    const broken = await submitFlux(prompt);
    assert.equal(broken.status, 500);

    const started = Date.now();
    const hung = await submitFlux(prompt);
    assert.equal(hung.status, 504);
    assert.ok(Date.now() - started >= TIMEOUT_FAULT_MS - 10, 'held open for the fault delay');

    const refused = await settle((await submitFlux(prompt)).body.data.task_id);
    assert.equal(refused.status, 'failed');
    assert.equal(refused.error.message, 'content moderation: prompt refused');
    assert.equal(refused.output, null);

    const expired = await settle((await submitFlux(prompt)).body.data.task_id);
    assert.equal(expired.status, 'completed');
    assert.equal((await download(expired.output.image_url)).status, 410);

    const fine = await settle((await submitFlux(prompt)).body.data.task_id);
    assert.equal(fine.status, 'completed');
    assert.equal((await download(fine.output.image_url)).status, 200);

    const counts = sim.calls();
    assert.equal(counts.providers.flux.submissions, 6);
    assert.equal(counts.providers.flux.faults, 5);
    assert.deepEqual(counts.rules['Troubled Orchard'], { generations: 6, analyses: 0 });
  });

  it('keeps each provider on its own count and leaves unmatched prompts alone', async () => {
    sim.setScenarios([{ match: 'orchard', faults: { flux: ['http500'] } }]);
    const kling = await call(`${sim.url}/api/v1/task`, {
      headers: KEY,
      json: { model: 'kling', task_type: 'video_generation', input: { prompt: 'An orchard', duration: 5 } },
    });
    assert.equal(kling.status, 200, 'a kling submission does not use the flux list');
    assert.equal((await submitFlux('A vineyard')).status, 200, 'an unmatched prompt is untouched');
    assert.equal((await submitFlux('An ORCHARD')).status, 500, 'matching ignores case');
    assert.equal((await submitFlux('An orchard')).status, 200, 'after the list: success');
  });

  it('releases a held timeout request when the simulator stops', async () => {
    const own = await startTestSimulator({ timeoutFaultMs: 60_000 });
    own.setScenarios([{ match: 'hang', faults: { flux: ['timeout'] } }]);
    const pending = fetch(`${own.url}/api/v1/task`, {
      method: 'POST',
      headers: { ...KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'Qubico/flux1-schnell', task_type: 'txt2img', input: { prompt: 'hang' } }),
    }).then(
      (response) => response.status,
      () => 'closed',
    );
    await sleep(100);
    const started = Date.now();
    await own.stop();
    assert.ok(Date.now() - started < 5_000, 'stop does not wait out the fault');
    assert.ok(['closed', 504].includes(await pending));
  });
});
