import assert from 'node:assert/strict';
import { falInput } from '../../src/providers/fal';
import { DEFAULT_MODEL_PRICES } from '../../src/config';
import { CLAUDE_IMAGE_LIMITS, CLAUDE_MODELS, claudeModel } from '../../src/catalog/limits/anthropic';
import { checkFalSchnell, FAL_SCHNELL } from '../../src/catalog/limits/fal';
import { checkPiapiCreate, PIAPI_RULES } from '../../src/catalog/limits/piapi';
import { checkRunwayCreate, RUNWAY_FAILURE_RULES, RUNWAY_RULES, runwayFailureRule } from '../../src/catalog/limits/runway';
import { PIAPI_MODELS, type PiapiProvider } from '../../src/providers/piapi-models';
import { promptLimit } from '../../src/catalog/prompt-limit';
import type { ProviderSubmitRequest } from '../../src/providers/provider-client';
import { runwayRequest } from '../../src/providers/runway';

/**
 * The client never sends a request a rule refuses: every provider × kind × aspect ratio ×
 * duration × prompt length the product can ask for, checked against the same rule rows the
 * simulator refuses with (src/catalog/limits/).
 */

const ASPECTS = ['16:9', '9:16', '1:1', '4:3', '3:4', '21:9', '4:5', '2:1', '1:3', '1920:1080', '720:1280', '', 'nonsense'];
const DURATIONS = [0, 0.5, 1, 2, 3, 4.2, 5, 6, 7.5, 9, 10, 11, 15, 30, 120];
// ASCII and a string of emoji (two UTF-16 units each), at and around every limit in the tables.
const PROMPTS = [
  'A warm kitchen at dawn',
  ...[999, 1000, 1001, 2000, 2001, 2500, 2501, 6000].map((length) => 'word '.repeat(length).slice(0, length)),
  '🌅'.repeat(1200),
];

function requests(kind: 'video' | 'image'): ProviderSubmitRequest[] {
  const list: ProviderSubmitRequest[] = [];
  for (const aspectRatio of ASPECTS) {
    for (const durationSeconds of kind === 'video' ? DURATIONS : [0]) {
      for (const prompt of PROMPTS) list.push({ kind, aspectRatio, durationSeconds, prompt });
    }
  }
  return list;
}

describe('request rules: what the adapters send', () => {
  for (const provider of Object.keys(PIAPI_MODELS) as PiapiProvider[]) {
    const spec = PIAPI_MODELS[provider];
    it(`${provider}: every request PiAPI's rules take, the prompt within promptLimit`, () => {
      for (const request of requests(spec.makes)) {
        const body = spec.createBody(request) as { input: { prompt: string } };
        assert.equal(checkPiapiCreate(body), undefined, JSON.stringify({ request: { ...request, prompt: request.prompt.length } }));
        assert.ok(body.input.prompt.length <= promptLimit(provider, spec.makes));
        assert.ok(body.input.prompt.length > 0);
      }
    });
  }

  for (const kind of ['video', 'image'] as const) {
    it(`runway ${kind}: every request Runway's rules take`, () => {
      for (const request of requests(kind)) {
        const { endpoint, body } = runwayRequest(request);
        assert.equal(checkRunwayCreate(endpoint, body), undefined, JSON.stringify({ ...request, prompt: request.prompt.length }));
        assert.ok((body.promptText as string).length <= promptLimit('runway', kind));
      }
    });
  }

  it('falai image: every input inside the flux/schnell schema', () => {
    for (const request of requests('image')) {
      const input = falInput(request);
      assert.deepEqual(checkFalSchnell(input), [], JSON.stringify({ ...request, prompt: request.prompt.length }));
      assert.ok(input.prompt.length <= promptLimit('falai', 'image'));
    }
  });

  it('never leaves half an emoji at the cut', () => {
    for (const provider of ['kling', 'hailuo', 'flux'] as const) {
      const body = PIAPI_MODELS[provider].createBody({ kind: PIAPI_MODELS[provider].makes, aspectRatio: '1:1', durationSeconds: 5, prompt: '🌅'.repeat(1200) }) as {
        input: { prompt: string };
      };
      assert.ok(!/[\uD800-\uDBFF]$/.test(body.input.prompt), provider);
    }
  });
});

describe('request rules: what each rule refuses', () => {
  const kling = (input: Record<string, unknown>) => ({ model: 'kling', task_type: 'video_generation', input: { prompt: 'p', ...input } });

  it('every row names its source', () => {
    const rows = [...PIAPI_RULES, ...RUNWAY_RULES, ...RUNWAY_FAILURE_RULES, ...CLAUDE_MODELS, FAL_SCHNELL, CLAUDE_IMAGE_LIMITS];
    for (const row of rows) assert.match(row.source, /^https:\/\//);
  });

  it('prices only Claude models the rule table serves', () => {
    for (const model of Object.keys(DEFAULT_MODEL_PRICES)) assert.equal(claudeModel(model)?.status, 'active', model);
  });

  it('PiAPI: unknown model, task type and version/mode combinations', () => {
    assert.equal(checkPiapiCreate({ model: 'sora', task_type: 'video_generation', input: { prompt: 'p' } })?.field, 'model');
    assert.equal(checkPiapiCreate({ model: 'luma', task_type: 'txt2img', input: { prompt: 'p' } })?.field, 'task_type');
    // Kling 2.1 standard is image-to-video only: text-to-video with it is refused.
    assert.equal(checkPiapiCreate(kling({ version: '2.1', mode: 'std' }))?.field, 'input');
    assert.equal(checkPiapiCreate(kling({ version: '2.6', mode: 'std' })), undefined);
    assert.equal(checkPiapiCreate({ model: 'hailuo', task_type: 'video_generation', input: { prompt: 'p', model: 'i2v-01' } })?.field, 'input');
    assert.equal(checkPiapiCreate({ model: 'Qubico/flux1-dev', task_type: 'txt2img', input: { prompt: 'p' } })?.field, 'model');
  });

  it('PiAPI: durations, ratios, sizes and prompt lengths out of range', () => {
    assert.equal(checkPiapiCreate(kling({ duration: 3 }))?.field, 'input.duration');
    assert.equal(checkPiapiCreate(kling({ aspect_ratio: '4:3' }))?.field, 'input.aspect_ratio');
    assert.equal(checkPiapiCreate(kling({ prompt: 'x'.repeat(2501) }))?.field, 'input.prompt');
    assert.equal(checkPiapiCreate(kling({ negative_prompt: 'x'.repeat(2501) }))?.field, 'input.negative_prompt');
    assert.equal(checkPiapiCreate({ model: 'hailuo', task_type: 'video_generation', input: { prompt: 'x'.repeat(2001), model: 't2v-01' } })?.field, 'input.prompt');
    assert.equal(checkPiapiCreate({ model: 'hailuo', task_type: 'video_generation', input: { prompt: 'p', duration: 5 } })?.field, 'input.duration');
    // Hailuo v2.3 (what the product sends) takes 768p or 1080p and 6 or 10 s; t2v-01 takes neither field.
    const hailuo = (input: Record<string, unknown>) => checkPiapiCreate({ model: 'hailuo', task_type: 'video_generation', input: { prompt: 'p', ...input } });
    assert.equal(hailuo({ model: 'v2.3', duration: 6, resolution: 768 }), undefined);
    assert.equal(hailuo({ model: 'v2.3', duration: 10, resolution: 768 }), undefined);
    assert.equal(hailuo({ model: 'v2.3', duration: 6, resolution: 720 })?.field, 'input.resolution');
    assert.equal(hailuo({ model: 't2v-01' }), undefined);
    assert.equal(hailuo({ model: 't2v-01', resolution: 768 })?.field, 'input.resolution');
    const flux = (input: Record<string, unknown>) => checkPiapiCreate({ model: 'Qubico/flux1-schnell', task_type: 'txt2img', input: { prompt: 'p', ...input } });
    assert.equal(flux({ width: 1360, height: 768 })?.field, 'input.width');
    assert.equal(flux({ width: 1024, height: 128 })?.field, 'input.height');
    assert.equal(flux({ prompt: 'x'.repeat(1001) })?.field, 'input.prompt');
    assert.equal(flux({ batch_size: 5 })?.field, 'input.batch_size');
    assert.equal(flux({ width: 1024, height: 576 }), undefined);
  });

  it('Runway: models, ratios and durations a model does not take, prompts over 1,000 UTF-16 units', () => {
    const video = { model: 'gen4.5', promptText: 'p', ratio: '1280:720', duration: 5 };
    assert.equal(checkRunwayCreate('text_to_video', video), undefined);
    assert.equal(checkRunwayCreate('text_to_video', { ...video, model: 'gen4_turbo' })?.field, 'model');
    assert.equal(checkRunwayCreate('text_to_video', { ...video, ratio: '1104:832' })?.field, 'ratio');
    assert.equal(checkRunwayCreate('text_to_video', { ...video, duration: 11 })?.field, 'duration');
    assert.equal(checkRunwayCreate('text_to_video', { ...video, duration: 2.5 })?.field, 'duration');
    assert.equal(checkRunwayCreate('text_to_video', { ...video, duration: undefined })?.field, 'duration');
    // 500 emoji are 1,000 UTF-16 units; one more is over.
    assert.equal(checkRunwayCreate('text_to_video', { ...video, promptText: '🌅'.repeat(500) }), undefined);
    assert.equal(checkRunwayCreate('text_to_video', { ...video, promptText: '🌅'.repeat(500) + 'x' })?.field, 'promptText');
    const image = { model: 'gen4_image', promptText: 'p', ratio: '1280:720' };
    assert.equal(checkRunwayCreate('text_to_image', image), undefined);
    assert.equal(checkRunwayCreate('text_to_image', { ...image, ratio: '1280:721' })?.field, 'ratio');
    assert.equal(checkRunwayCreate('text_to_image', { ...image, duration: 5 })?.field, 'duration');
  });

  it('Runway failure codes, as the task-failures page reads them', () => {
    const table: [string, 'refused' | 'failed' | 'provider_fault' | undefined][] = [
      ['SAFETY.INPUT.TEXT', 'refused'],
      ['SAFETY.INPUT.IMAGE', 'refused'],
      ['SAFETY.OUTPUT.VIDEO', 'failed'],
      ['INTERNAL.BAD_OUTPUT.CODE01', 'failed'],
      ['INPUT_PREPROCESSING.SAFETY.TEXT', 'refused'],
      ['INPUT_PREPROCESSING.INTERNAL', 'provider_fault'],
      ['SOMETHING.NEW', undefined],
    ];
    for (const [code, outcome] of table) assert.equal(runwayFailureRule(code)?.outcome, outcome, code);
  });

  it('fal: inputs outside the flux/schnell schema, in FastAPI detail form', () => {
    assert.deepEqual(checkFalSchnell({ prompt: 'p', image_size: 'landscape_16_9', num_images: 1 }), []);
    const detail = checkFalSchnell({ image_size: 'huge', num_images: 9, num_inference_steps: 50, output_format: 'gif', enable_safety_checker: 'yes' });
    assert.deepEqual(
      detail.map((entry) => entry.loc.join('.')),
      ['body.prompt', 'body.image_size', 'body.num_images', 'body.num_inference_steps', 'body.output_format', 'body.enable_safety_checker'],
    );
    assert.equal(checkFalSchnell({ prompt: 'p', image_size: { width: 0, height: 512 } })[0]?.loc.join('.'), 'body.image_size');
  });
});

describe('Runway adapter reads moderation failures by their code', () => {
  it('SAFETY.INPUT.* is refused; SAFETY.OUTPUT.* is a failed generation saying a different prompt may pass', async () => {
    const { createServer } = await import('node:http');
    const { createRunwayProvider } = await import('../../src/providers/runway');
    let failureCode = '';
    let task: Record<string, unknown> | undefined;
    const server = createServer((_request, response) => {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify(task ?? { id: 't', status: 'FAILED', failure: 'Content moderation', failureCode }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const address = server.address() as { port: number };
      const runway = createRunwayProvider({ apiKey: 'key_test', baseUrl: `http://127.0.0.1:${address.port}`, price: {} });
      failureCode = 'SAFETY.INPUT.TEXT';
      assert.deepEqual(await runway.poll('t'), {
        state: 'failed',
        reason: 'SAFETY.INPUT.TEXT: Content moderation (moderation refused an input)',
        refused: true,
      });
      failureCode = 'SAFETY.OUTPUT.VIDEO';
      const output = await runway.poll('t');
      assert.equal(output.state === 'failed' && output.refused, false);
      assert.match(output.state === 'failed' ? output.reason : '', /different prompt/);
      failureCode = 'INPUT_PREPROCESSING.SAFETY.TEXT';
      const prepared = await runway.poll('t');
      assert.equal(prepared.state === 'failed' && prepared.refused, true);
      failureCode = 'INPUT_PREPROCESSING.INTERNAL';
      assert.deepEqual(await runway.poll('t'), {
        state: 'failed',
        reason: 'INPUT_PREPROCESSING.INTERNAL: Content moderation (Runway could not run its content moderation)',
        refused: false,
        providerFault: true,
      });
      // A terminal task's final cost, in credits of $0.01, is what the task is recorded at.
      task = { id: 't', status: 'SUCCEEDED', output: ['https://cdn.example/clip.mp4'], cost: { credits: 24 } };
      assert.deepEqual(await runway.poll('t'), { state: 'done', outputUrl: 'https://cdn.example/clip.mp4', costUsd: 0.24 });
      task = { id: 't', status: 'CANCELLED', cost: { credits: 0 } };
      assert.deepEqual(await runway.poll('t'), { state: 'failed', reason: 'the task was cancelled or deleted', refused: false, costUsd: 0 });
    } finally {
      server.close();
    }
  });
});
