import assert from 'node:assert/strict';
import { createFalClient, ValidationError } from '@fal-ai/client';
import RunwayML from '@runwayml/sdk';
import type { Simulator } from '../../src/sim/server';
import { call, startTestSimulator } from './sim-test-helpers';

/**
 * The simulator refuses what each provider's published rules refuse (src/catalog/limits/),
 * with that API's status and error shape, and counts no submission for a refused request.
 */
describe('simulator: provider rules', function () {
  this.timeout(30_000);
  let sim: Simulator;

  before(async () => {
    sim = await startTestSimulator();
  });
  after(() => sim.stop());
  beforeEach(() => sim.reset());

  const piapi = (body: Record<string, unknown>) =>
    call(`${sim.url}/api/v1/task`, { headers: { 'x-api-key': 'k' }, json: body });

  it('PiAPI: 400 with its code/message envelope for combinations, durations, ratios, sizes and prompts out of range', async () => {
    const kling = (input: Record<string, unknown>) => ({ model: 'kling', task_type: 'video_generation', input: { prompt: 'A barn', ...input } });
    const cases: [Record<string, unknown>, RegExp][] = [
      [kling({ version: '2.1', mode: 'std' }), /version '2\.1', mode 'std'/],
      [kling({ version: '2.6', mode: 'std', duration: 3 }), /duration/],
      [kling({ version: '2.6', mode: 'std', aspect_ratio: '4:3' }), /aspect_ratio/],
      [kling({ prompt: 'x'.repeat(2501) }), /prompt/],
      [{ model: 'hailuo', task_type: 'video_generation', input: { prompt: 'x'.repeat(2001), model: 't2v-01' } }, /prompt/],
      [{ model: 'Qubico/flux1-schnell', task_type: 'txt2img', input: { prompt: 'A barn', width: 1360, height: 768 } }, /width/],
      [{ model: 'Qubico/flux1-schnell', task_type: 'txt2img', input: { prompt: 'x'.repeat(1001) } }, /prompt/],
      [{ model: 'Qubico/flux1-schnell', task_type: 'img2img', input: { prompt: 'A barn' } }, /task_type/],
    ];
    for (const [body, message] of cases) {
      const response = await piapi(body);
      assert.equal(response.status, 400, JSON.stringify(body).slice(0, 120));
      assert.equal(response.body.code, 400);
      assert.equal(response.body.data, null);
      assert.match(response.body.message, message);
    }
    assert.equal((await piapi(kling({ version: '2.6', mode: 'std', duration: 10, aspect_ratio: '9:16' }))).status, 200);
    assert.equal(sim.calls().providers.kling.submissions, 1);
    assert.equal(sim.calls().providers.flux.submissions, 0);
  });

  it('Runway: 400 "Validation of body failed" with issues, through the official SDK as BadRequestError', async () => {
    const client = new RunwayML({ apiKey: 'key_test', baseURL: sim.url, maxRetries: 0 });
    const refused = async (create: () => Promise<unknown>, field: string) => {
      const error = await create().then(
        () => assert.fail(`expected a refusal on ${field}`),
        (caught: unknown) => caught,
      );
      assert.ok(error instanceof RunwayML.BadRequestError, String(error));
      const body = error.error as { error: string; issues: { path: string[] }[]; docUrl: string };
      assert.equal(body.error, 'Validation of body failed');
      assert.deepEqual(body.issues[0].path, [field]);
    };
    const video = { model: 'gen4.5' as const, promptText: 'A harbour', ratio: '1280:720' as const, duration: 5 };
    await refused(() => client.textToVideo.create({ ...video, duration: 12 }), 'duration');
    await refused(() => client.textToVideo.create({ ...video, ratio: '1584:672' as unknown as '1280:720' }), 'ratio');
    await refused(() => client.textToVideo.create({ ...video, promptText: '🌅'.repeat(500) + '.' }), 'promptText');
    await refused(() => client.textToImage.create({ model: 'gen4_image', promptText: 'A harbour', ratio: '1000:1000' as unknown as '1024:1024' }), 'ratio');
    const accepted = await client.textToVideo.create({ ...video, promptText: '🌅'.repeat(500) });
    assert.ok(accepted.id);
    assert.equal(sim.calls().providers.runway.submissions, 1);
  });

  it('fal: 422 with a FastAPI detail list, surfaced by the official client as a ValidationError', async () => {
    const fal = createFalClient({
      credentials: 'test-key',
      suppressLocalCredentialsWarning: true,
      retry: { maxRetries: 0 },
      requestMiddleware: async (request) => ({ ...request, url: request.url.replace('https://queue.fal.run/', `${sim.url}/fal/queue/`) }),
    });
    const error = await fal.queue
      .submit('fal-ai/flux/schnell', { input: { prompt: 'A barn', image_size: 'huge' as 'square', num_images: 8, num_inference_steps: 40 } })
      .then(
        () => assert.fail('expected a 422'),
        (caught: unknown) => caught,
      );
    assert.ok(error instanceof ValidationError, String(error));
    assert.equal(error.status, 422);
    assert.deepEqual(
      error.fieldErrors.map((entry) => entry.loc.join('.')),
      ['body.image_size', 'body.num_images', 'body.num_inference_steps'],
    );
    const raw = await call(`${sim.url}/fal/queue/fal-ai/flux/schnell`, { headers: { authorization: 'Key k' }, json: { image_size: 'square_hd' } });
    assert.equal(raw.status, 422);
    assert.deepEqual(raw.body.detail[0].loc, ['body', 'prompt']);
    assert.equal(raw.body.detail[0].type, 'missing');
    assert.equal(sim.calls().providers.falai.submissions, 0);
  });
});
