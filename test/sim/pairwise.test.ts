import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import type { ProviderName } from '../../src/domain/provider';
import { PROVIDER_QUALITY_PROFILE } from '../../src/sim/judge/quality-model';
import { promptLook } from '../../src/sim/media/prompt-look';
import { renderStillPng } from '../../src/sim/media/render-image';
import type { Simulator } from '../../src/sim/server';
import { ANTHROPIC_HEADERS, analysisRequest, pairwiseRequest } from './judge-helpers';
import { call, startTestSimulator } from './sim-test-helpers';

const SCENE_TEXT = [
  '<scene_data>',
  '{ "expectedContentType": "person", "visualDirection": "A woman reading by a window", "narration": "Quiet mornings." }',
  '</scene_data>',
].join('\n');

async function frame(prompt: string, mark?: ProviderName): Promise<string> {
  return (await renderStillPng(promptLook(prompt), 480, 270, mark)).toString('base64');
}

describe('simulator: pairwise judgments (record_preference)', function () {
  this.timeout(60_000);
  let sim: Simulator;
  let client: Anthropic;
  let good: string;
  let poor: string;

  before(async () => {
    sim = await startTestSimulator();
    client = new Anthropic({ apiKey: 'test-key', baseURL: sim.url, maxRetries: 0 });
    good = await frame('A woman reading by a window, warm golden natural lighting, sharp focus, highly detailed');
    poor = await frame('A woman reading by a window, cold blue light, blurry');
  });
  after(() => sim.stop());
  beforeEach(() => sim.reset());

  const prefer = async (first: string[], second: string[], sceneText = SCENE_TEXT) => {
    const message = await client.messages.create(pairwiseRequest({ sceneText, first, second }));
    assert.equal(message.stop_reason, 'tool_use');
    const block = message.content.find((item) => item.type === 'tool_use');
    assert.ok(block && block.type === 'tool_use' && block.name === 'record_preference');
    const input = block.input as { preferred: string; reason: string };
    assert.deepEqual(Object.keys(input).sort(), ['preferred', 'reason']);
    assert.ok(input.reason.length > 0);
    return input.preferred;
  };

  it('prefers the truly better asset in both orders, and ties an asset with itself', async () => {
    assert.equal(await prefer([good], [poor]), 'first');
    assert.equal(await prefer([poor], [good]), 'second');
    assert.equal(await prefer([good], [good]), 'tie');
  });

  it('judges an asset by all its frames', async () => {
    assert.equal(await prefer([poor, poor], [good, good]), 'second');
    assert.equal(await prefer([good, good, good], [poor, poor]), 'first');
  });

  it('follows a matching rule\'s "pairwise" whatever the quality', async () => {
    sim.setScenarios([{ match: 'woman reading', pairwise: 'first' }]);
    assert.equal(await prefer([poor], [good]), 'first');
    sim.setScenarios([{ match: 'woman reading', pairwise: 'second' }]);
    assert.equal(await prefer([good], [poor]), 'second');
    sim.setScenarios([{ match: 'someone else', pairwise: 'second' }]);
    assert.equal(await prefer([good], [poor]), 'first', 'a rule that does not match changes nothing');
  });

  it('ranks assets by the true quality their analyses found: scripted scores included', async () => {
    sim.setScenarios([{ match: 'woman reading', scores: [80, 40] }]);
    const analyse = (data: string) =>
      call(`${sim.url}/v1/messages`, {
        headers: ANTHROPIC_HEADERS,
        json: analysisRequest({ visualDirection: 'A woman reading by a window', prompt: 'A woman reading', frames: [data] }),
      });
    assert.equal((await analyse(poor)).status, 200);
    assert.equal((await analyse(good)).status, 200);
    // The poor-looking asset was scripted 80, the good-looking one 40: the analyses stand.
    assert.equal(await prefer([good], [poor]), 'second');
    assert.equal(await prefer([poor], [good]), 'first');
    assert.deepEqual(sim.calls().rules['woman reading'], { generations: 0, analyses: 2 }, 'pairwise moves no rule\'s scores');
  });

  it('is noiseless: the same answer under heavy judge noise', async () => {
    sim.setSettings({ judgeNoise: 30, seed: 5 });
    for (let n = 0; n < 5; n++) assert.equal(await prefer([poor], [good]), 'second');
  });

  it('adds the provider profile read from each asset\'s marks', async () => {
    const prompt = 'A woman reading by a window, warm natural lighting';
    const kling = await frame(prompt, 'kling');
    const luma = await frame(prompt, 'luma');
    assert.ok(PROVIDER_QUALITY_PROFILE.kling.person > PROVIDER_QUALITY_PROFILE.luma.person);
    assert.equal(await prefer([luma], [kling]), 'second');
    assert.equal(await prefer([kling], [luma]), 'first');
    // For food the profile turns the other way round.
    const foodText = SCENE_TEXT.replace('"person"', '"food"');
    assert.ok(PROVIDER_QUALITY_PROFILE.luma.food === PROVIDER_QUALITY_PROFILE.kling.food);
    assert.equal(await prefer([kling], [luma], foodText), 'tie');
  });

  it('is counted apart from analyses, and billed like one', async () => {
    const response = await call(`${sim.url}/v1/messages`, {
      headers: ANTHROPIC_HEADERS,
      json: pairwiseRequest({ sceneText: SCENE_TEXT, first: [good], second: [poor] }),
    });
    assert.equal(response.status, 200);
    for (const key of ['input_tokens', 'output_tokens', 'cache_creation_input_tokens', 'cache_read_input_tokens']) {
      assert.equal(typeof response.body.usage[key], 'number', key);
    }
    assert.ok(response.body.usage.input_tokens + response.body.usage.cache_creation_input_tokens > 2 * 170, 'two images counted');
    await prefer([good], [poor]);
    const calls = sim.calls();
    assert.equal(calls.pairwise, 2);
    assert.equal(calls.analyses, 0);
  });

  it('stops at max_tokens like any answer that does not fit', async () => {
    const response = await call(`${sim.url}/v1/messages`, {
      headers: ANTHROPIC_HEADERS,
      json: pairwiseRequest({ sceneText: SCENE_TEXT, first: [good], second: [poor], maxTokens: 5 }),
    });
    assert.equal(response.status, 200);
    assert.equal(response.body.stop_reason, 'max_tokens');
  });

  it('refuses a request without both markers or with an asset without images, and a non-strict-valid tool', async () => {
    const base = pairwiseRequest({ sceneText: SCENE_TEXT, first: [good], second: [poor] });
    const post = (json: unknown) => call(`${sim.url}/v1/messages`, { headers: ANTHROPIC_HEADERS, json });
    const content = base.messages[0].content;
    const noSecond = { ...base, messages: [{ role: 'user', content: content.filter((block) => !('text' in block && block.text === 'Second asset:')) }] };
    const missing = await post(noSecond);
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error.type, 'invalid_request_error');
    assert.match(missing.body.error.message, /"First asset:".*"Second asset:"/);

    const empty = await post(pairwiseRequest({ sceneText: SCENE_TEXT, first: [good], second: [] }));
    assert.equal(empty.status, 400);
    assert.match(empty.body.error.message, /second asset .* has no image/);

    const loose = { ...base, tools: [{ ...base.tools[0], input_schema: { ...base.tools[0].input_schema, additionalProperties: true } }] };
    assert.equal((await post(loose)).status, 400);
    assert.equal(sim.calls().pairwise, 0);
  });
});
