import assert from 'node:assert/strict';
import sharp from 'sharp';
import { createClaudeClient } from '../../src/analysis/claude-client';
import { judgeWithClaude } from '../../src/analysis/claude-judge';
import { resizeForModel } from '../../src/analysis/resize-for-model';
import { claudeModel } from '../../src/catalog/limits/anthropic';
import { DEFAULT_GENERATION_PRICES, DEFAULT_MODEL_PRICES, loadConfig } from '../../src/config';
import { createFalProvider } from '../../src/providers/fal';
import { createPiapiProvider } from '../../src/providers/piapi';
import type { PiapiProvider } from '../../src/providers/piapi-models';
import type { ProviderClient, ProviderSubmitRequest } from '../../src/providers/provider-client';
import { createRunwayProvider } from '../../src/providers/runway';

/**
 * Contract check against the real APIs: `npm run test:live`, never in CI. Each case runs only
 * when its key is set and asserts that the real answer parses into what the product reads.
 * Cheap by default (README, "Running it for real": about $0.07); LIVE_VIDEO=1 adds one clip per
 * video model (about $0.9 more).
 */

const env = process.env;
const video = env.LIVE_VIDEO === '1';
const PROMPT = 'A copper kettle on a farmhouse stove, warm morning light';

/** Submits, polls every 5 s until the task ends, and checks the answer at each step. */
async function generate(client: ProviderClient, request: ProviderSubmitRequest, deadlineMs: number): Promise<string> {
  const { taskId } = await client.submit(request);
  assert.ok(taskId.length > 0, 'a task id');
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline) {
    const result = await client.poll(taskId);
    if (result.state === 'done') {
      assert.match(result.outputUrl, /^https:\/\//);
      return result.outputUrl;
    }
    if (result.state === 'failed') assert.fail(`the task failed: ${result.reason}`);
    await new Promise((resolve) => setTimeout(resolve, 5000));
  }
  return assert.fail('the task did not finish in time');
}

/** A repair of an image the case just made, by its (https) output URL: the edit endpoint must answer with an image. */
const REPAIR = 'Fix only these defects: 1. The kettle handle is bent (in the area 60%-80% across and 30%-50% down the frame). Change nothing else.';
const repairOf = (kind: 'image' | 'video', sourceUri: string, durationSeconds = 0): ProviderSubmitRequest => ({
  prompt: REPAIR,
  kind,
  durationSeconds,
  aspectRatio: '16:9',
  edit: { sourceUri },
});

const image = (aspectRatio = '16:9'): ProviderSubmitRequest => ({ prompt: PROMPT, kind: 'image', durationSeconds: 0, aspectRatio });
const clip = (durationSeconds: number): ProviderSubmitRequest => ({ prompt: PROMPT, kind: 'video', durationSeconds, aspectRatio: '16:9' });

describe('live contract (real APIs; each case needs its key)', function () {
  this.timeout(15 * 60_000);

  describe('PiAPI (PIAPI_API_KEY)', () => {
    const piapi = (provider: PiapiProvider) =>
      createPiapiProvider({ provider, apiKey: env.PIAPI_API_KEY ?? '', price: DEFAULT_GENERATION_PRICES[provider] });
    before(function () {
      if (!env.PIAPI_API_KEY) this.skip();
    });
    it('flux1-schnell makes an image ($0.0015)', async () => {
      await generate(piapi('flux'), image(), 5 * 60_000);
    });
    for (const provider of ['kling', 'luma', 'hailuo'] as const) {
      it(`${provider} makes a 5-second clip (LIVE_VIDEO=1)`, async function () {
        if (!video) this.skip();
        await generate(piapi(provider), clip(5), 14 * 60_000);
      });
    }
  });

  describe('Runway (RUNWAYML_API_SECRET)', () => {
    const runway = () => createRunwayProvider({ apiKey: env.RUNWAYML_API_SECRET ?? '', price: DEFAULT_GENERATION_PRICES.runway });
    before(function () {
      if (!env.RUNWAYML_API_SECRET) this.skip();
    });
    it('gen4_image makes a 720p image (5 credits, $0.05)', async () => {
      await generate(runway(), image(), 5 * 60_000);
    });
    it('gen4.5 makes a 2-second clip (LIVE_VIDEO=1, 24 credits)', async function () {
      if (!video) this.skip();
      await generate(runway(), clip(2), 14 * 60_000);
    });
    it('gen4_image repairs an image it made, the image as its reference (2 × 5 credits, $0.10)', async () => {
      const made = await generate(runway(), image(), 5 * 60_000);
      await generate(runway(), repairOf('image', made), 5 * 60_000);
    });
    it('aleph2 repairs a clip it did not make (LIVE_VIDEO=1: gen4.5 2 s, then video-to-video)', async function () {
      if (!video) this.skip();
      const made = await generate(runway(), clip(2), 14 * 60_000);
      await generate(runway(), repairOf('video', made, 2), 14 * 60_000);
    });
  });

  describe('fal.ai (FAL_KEY)', () => {
    before(function () {
      if (!env.FAL_KEY) this.skip();
    });
    it('flux/schnell makes an image (about $0.003)', async () => {
      const fal = createFalProvider({ apiKey: env.FAL_KEY ?? '', price: DEFAULT_GENERATION_PRICES.falai });
      await generate(fal, image('1:1'), 5 * 60_000);
    });
    it('flux-pro/kontext repairs the image flux/schnell made (about $0.043)', async () => {
      const fal = createFalProvider({ apiKey: env.FAL_KEY ?? '', price: DEFAULT_GENERATION_PRICES.falai });
      const made = await generate(fal, image('1:1'), 5 * 60_000);
      await generate(fal, repairOf('image', made), 5 * 60_000);
    });
  });

  describe('Claude (ANTHROPIC_API_KEY)', () => {
    before(function () {
      if (!env.ANTHROPIC_API_KEY) this.skip();
    });
    it('judges one image: the strict tool answer parses into a verdict (about $0.02)', async () => {
      const config = loadConfig({ ANTHROPIC_API_KEY: env.ANTHROPIC_API_KEY, ANTHROPIC_MODEL: env.ANTHROPIC_MODEL });
      const still = await sharp({ create: { width: 512, height: 288, channels: 3, background: '#b87333' } }).png().toBuffer();
      const outcome = await judgeWithClaude(
        { client: createClaudeClient(config), model: config.anthropicModel, price: DEFAULT_MODEL_PRICES[config.anthropicModel] },
        {
          scene: {
            id: 1,
            sceneType: 'product',
            contentType: 'object',
            duration: 0,
            narration: 'The kettle that starts every morning.',
            visualDirection: PROMPT,
            aspectRatio: '16:9',
          },
          prompt: PROMPT,
          minScoreToPass: 70,
          media: { kind: 'image', width: 512, height: 288 },
          images: [{ image: await resizeForModel(still, claudeModel(config.anthropicModel)?.imageTier ?? 'standard') }],
        },
      );
      assert.ok(outcome.verdict.overallScore >= 0 && outcome.verdict.overallScore <= 100);
      assert.ok(outcome.usage.inputTokens > 0 && outcome.usage.outputTokens > 0);
    });
  });
});
