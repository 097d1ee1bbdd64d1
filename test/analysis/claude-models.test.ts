import assert from 'node:assert/strict';
import sharp from 'sharp';
import { createClaudeClient, THINKING_ALLOWANCE } from '../../src/analysis/claude-client';
import { compareWithClaude } from '../../src/analysis/claude-compare';
import { judgeWithClaude } from '../../src/analysis/claude-judge';
import { findModelPrice } from '../../src/analysis/cost';
import { resizeForModel } from '../../src/analysis/resize-for-model';
import { CLAUDE_IMAGE_TIERS, CLAUDE_MODELS, claudeImageTokens } from '../../src/catalog/limits/anthropic';
import { DEFAULT_MODEL_PRICES, loadConfig } from '../../src/config';
import { startSimulator, type Simulator } from '../../src/sim/server';
import { recordingFetch, scene, type RecordedRequest } from './judge-test-kit';

/**
 * Every model the judge may be pointed at, judged and compared through the product's own client
 * against the simulator, which applies that model's rules (thinking, forced tools, sampling,
 * image tier, tokenizer) from src/catalog/limits/anthropic.ts.
 */
describe('each Claude model in the limits table, against the simulator', function () {
  this.timeout(60_000);
  let sim: Simulator;
  let still1080p: Buffer;

  before(async () => {
    sim = await startSimulator({ timeoutFaultMs: 20 });
    still1080p = await sharp({ create: { width: 1920, height: 1080, channels: 3, background: '#c08050' } }).png().toBuffer();
  });
  after(() => sim.stop());
  beforeEach(() => sim.reset());

  it('judges with claude-sonnet-5-5 by default, a model the table and the price list both know', () => {
    const model = loadConfig({}).anthropicModel;
    assert.equal(model, 'claude-sonnet-5-5');
    assert.ok(CLAUDE_MODELS.some((row) => row.id === model && row.status === 'active'));
    assert.ok(DEFAULT_MODEL_PRICES[model]);
  });

  for (const rule of CLAUDE_MODELS.filter((row) => row.status !== 'retired')) {
    it(`${rule.id}: judges and compares through structured outputs, with the model's thinking rule`, async () => {
      const recorder = recordingFetch();
      const client = createClaudeClient({ keys: {}, simUrl: sim.url }, recorder.fetch);
      const price = findModelPrice(rule.id, DEFAULT_MODEL_PRICES);
      assert.ok(price, `${rule.id} has a price`);
      const image = await resizeForModel(still1080p, rule.imageTier);
      const tier = CLAUDE_IMAGE_TIERS[rule.imageTier];
      assert.ok(Math.max(image.width, image.height) <= tier.maxLongEdgePx);

      const judged = await judgeWithClaude(
        { client, model: rule.id, price },
        {
          scene: scene(),
          prompt: 'A sunlit farmhouse kitchen',
          minScoreToPass: 70,
          media: { kind: 'image', width: 1920, height: 1080 },
          images: [{ image }],
        },
      );
      assert.equal(judged.requests, 1, 'the first answer is usable');
      assert.ok(judged.costUsd > 0);
      // The image is counted as this model counts it: the system text is cached or not, the image never.
      const imageTokens = claudeImageTokens(rule.imageTier, image.width, image.height);
      assert.ok(judged.usage.inputTokens >= imageTokens, `${judged.usage.inputTokens} input tokens, image ${imageTokens}`);

      const compared = await compareWithClaude({ client, model: rule.id, price }, { scene: scene(), first: [{ image }], second: [{ image }] });
      assert.equal(compared.answers.length, 2);

      for (const request of recorder.requests as RecordedRequest[]) {
        assert.equal(request.tool_choice, undefined);
        assert.equal(request.output_config?.format.type, 'json_schema');
        assert.deepEqual(request.thinking, rule.thinking === 'on' ? { type: 'disabled' } : undefined);
      }
      const [judgeRequest] = recorder.requests;
      assert.equal(judgeRequest.max_tokens, 2048 + (rule.thinking === 'always' ? THINKING_ALLOWANCE : 0));
    });
  }

  it('sends a 1080p still whole to a high-tier model and shrunk to about 1.15 MP to a standard one', async () => {
    const high = await resizeForModel(still1080p, 'high');
    const standard = await resizeForModel(still1080p, 'standard');
    assert.deepEqual([high.width, high.height], [1920, 1080]);
    assert.deepEqual([standard.width, standard.height], [1429, 804]);
  });
});
