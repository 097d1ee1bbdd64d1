import assert from 'node:assert/strict';
import { createClaudeClient } from '../../src/analysis/claude-client';
import { judgeWithClaude, type ClaudeJudgeOptions } from '../../src/analysis/claude-judge';
import type { JudgeRequestInput } from '../../src/analysis/judge-prompt';
import { resizeForModel } from '../../src/analysis/resize-for-model';
import { DEFAULT_MODEL_PRICES } from '../../src/config';
import { FailureType } from '../../src/domain/failures';
import { JUDGE_OUTPUT_SCHEMA } from '../../src/analysis/judge-prompt';
import { startSimulator, type Simulator } from '../../src/sim/server';
import { expectFailure, recordingFetch, scene, userText, type RecordedRequest } from './judge-test-kit';
import { acquireMediaFixtures, releaseMediaFixtures } from './media-fixtures';

/** The real SDK against the simulator, one request (or two) per test. */
describe('Claude judge against the simulator', function () {
  let sim: Simulator;
  let requests: RecordedRequest[];
  let options: ClaudeJudgeOptions;
  let input: JudgeRequestInput;

  before(async function () {
    this.timeout(60_000);
    const media = await acquireMediaFixtures();
    sim = await startSimulator({ timeoutFaultMs: 20 });
    const image = await resizeForModel(media.goodImage, 'standard');
    input = {
      scene: scene({ visualDirection: 'A copper kettle on a farmhouse stove' }),
      prompt: 'A copper kettle on a farmhouse stove, morning light',
      minScoreToPass: 70,
      media: { kind: 'image', width: 1024, height: 576 },
      images: [{ image }],
    };
  });
  after(async () => {
    await sim.stop();
    await releaseMediaFixtures();
  });
  beforeEach(() => {
    sim.reset();
    const recorder = recordingFetch();
    requests = recorder.requests;
    options = {
      client: createClaudeClient({ keys: {}, simUrl: sim.url }, recorder.fetch),
      model: 'claude-sonnet-4-6',
      price: DEFAULT_MODEL_PRICES['claude-sonnet-4-6'],
    };
  });

  const onKettle = (rule: Record<string, unknown>) => sim.setScenarios([{ match: 'copper kettle', ...rule }]);

  it('asks for the verdict as a structured output, caches the system block and parses the verdict', async () => {
    onKettle({ scores: [82] });
    const outcome = await judgeWithClaude(options, input);
    assert.equal(outcome.verdict.overallScore, 82);
    assert.equal(outcome.requests, 1);
    assert.ok(outcome.usage.inputTokens > 0 && outcome.usage.outputTokens > 0);
    assert.ok(outcome.costUsd > 0);
    const [request] = requests;
    // No forced tool: models that think refuse one (src/catalog/limits/anthropic.ts checkThinking).
    assert.equal(request.tool_choice, undefined);
    assert.equal(request.tools, undefined);
    // The API version the SDK sends refuses any temperature (src/catalog/limits/anthropic.ts).
    assert.equal(request.temperature, undefined);
    // Decoded against the strict subset, with no draft-07 $schema.
    assert.deepEqual(request.output_config, { format: { type: 'json_schema', schema: JUDGE_OUTPUT_SCHEMA } });
    assert.equal(request.output_config?.format.schema.$schema, undefined);
    assert.equal(request.output_config?.format.schema.additionalProperties, false);
    // Sonnet 4.6 does not think unless asked: nothing to turn off.
    assert.equal(request.thinking, undefined);
    assert.deepEqual(request.system[0].cache_control, { type: 'ephemeral' });
  });

  it('reads the cached system prompt on the next analysis', async () => {
    const first = await judgeWithClaude(options, input);
    const second = await judgeWithClaude(options, input);
    assert.ok(first.usage.cacheCreationInputTokens > 0, 'first analysis writes the cache');
    assert.equal(second.usage.cacheReadInputTokens, first.usage.cacheCreationInputTokens);
    assert.ok(second.costUsd < first.costUsd);
  });

  for (const [fault, retryDelayMs] of [
    ['http429', 1000],
    ['http529', undefined],
    ['http500', undefined],
    ['timeout', undefined],
  ] as const) {
    it(`turns ${fault} into a retryable unavailable failure${retryDelayMs ? ' that keeps retry-after' : ''}`, async () => {
      onKettle({ faults: { claude: [fault] } });
      const failure = await expectFailure(judgeWithClaude(options, input), FailureType.unavailable);
      assert.equal(failure.nonRetryable, false);
      assert.equal(failure.nextRetryDelay ?? undefined, retryDelayMs);
      assert.equal(sim.calls().analyses, 1, 'no SDK retries');
    });
  }

  it('retries a malformed answer once with the parse error and uses the second answer', async () => {
    onKettle({ faults: { claude: ['malformed'] }, scores: [64] });
    const outcome = await judgeWithClaude(options, input);
    assert.equal(outcome.verdict.overallScore, 64);
    assert.equal(outcome.requests, 2);
    assert.match(outcome.firstProblem ?? '', /overallScore/);
    assert.equal(requests.length, 2);
    assert.doesNotMatch(userText(requests[0]), /could not be used/);
    assert.match(userText(requests[1]), /previous answer to this request could not be used: .*overallScore/);
  });

  for (const fault of ['malformed', 'refuse', 'truncated'] as const) {
    it(`fails as analysis_unusable when the answer is ${fault} twice`, async () => {
      onKettle({ faults: { claude: [fault, fault] } });
      const failure = await expectFailure(judgeWithClaude(options, input), FailureType.analysisUnusable);
      assert.equal(failure.nonRetryable, true);
      assert.equal(sim.calls().analyses, 2);
      const [details] = failure.details as [{ usage: { outputTokens: number } }];
      assert.ok(details.usage.outputTokens > 0, 'both paid answers are accounted for');
    });
  }

  it('a corrective retry that fails at the API still carries the tokens the first answer was paid', async () => {
    onKettle({ faults: { claude: ['malformed', 'http500'] } });
    const failure = await expectFailure(judgeWithClaude(options, input), FailureType.unavailable);
    const [details] = failure.details as [{ httpStatus: number; usage: { outputTokens: number }; costUsd: number }];
    assert.equal(details.httpStatus, 500);
    assert.ok(details.usage.outputTokens > 0, 'the malformed answer was paid for');
    assert.ok(details.costUsd > 0);
  });

  it('gives a truncated answer more room on its corrective retry', async () => {
    onKettle({ faults: { claude: ['truncated'] } });
    const outcome = await judgeWithClaude(options, input);
    assert.equal(outcome.requests, 2);
    assert.equal(requests[1].max_tokens, requests[0].max_tokens * 2);
  });
});

describe('Claude client configuration', () => {
  it('fails as auth, naming the variable, without a key or a simulator', () => {
    assert.throws(
      () => createClaudeClient({ keys: {}, simUrl: undefined }),
      (error: Error & { type?: string; nonRetryable?: boolean }) =>
        error.type === FailureType.auth && error.nonRetryable === true && /ANTHROPIC_API_KEY/.test(error.message),
    );
  });
});
