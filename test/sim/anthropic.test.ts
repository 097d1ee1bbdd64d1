import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import sharp from 'sharp';
import { JUDGE_OUTPUT_SCHEMA, judgeSystemBlocks } from '../../src/analysis/judge-prompt';
import { judgeInputJsonSchema, JudgeVerdictSchema } from '../../src/analysis/judge-verdict';
import { JUDGE_TOOL_NAME } from '../../src/sim/judge/messages-response';
import type { Simulator } from '../../src/sim/server';
import { ANTHROPIC_HEADERS, analysisRequest, frameFor, JUDGE_SYSTEM } from './judge-helpers';
import { call, startTestSimulator } from './sim-test-helpers';

const TIMEOUT_FAULT_MS = 120;

describe('simulator: Anthropic Messages API (the judge)', function () {
  this.timeout(30_000);
  let sim: Simulator;
  let frame: string;

  before(async () => {
    sim = await startTestSimulator({ timeoutFaultMs: TIMEOUT_FAULT_MS });
    frame = await frameFor('A quiet library');
  });
  after(() => sim.stop());
  beforeEach(() => sim.reset());

  const analyse = (body: Record<string, unknown>, headers: Record<string, string> = ANTHROPIC_HEADERS) =>
    call(`${sim.url}/v1/messages`, { headers, json: body });
  const toolInput = (body: { content: { type: string; input?: unknown }[] }) =>
    body.content.find((block) => block.type === 'tool_use')?.input;

  it('answers a forced tool call with a tool_use whose input is a valid verdict', async () => {
    const response = await analyse(analysisRequest({ visualDirection: 'A quiet library', prompt: 'A quiet library', frames: [frame] }));
    assert.equal(response.status, 200);
    assert.match(response.headers.get('request-id') ?? '', /^req_/);
    assert.equal(response.body.type, 'message');
    assert.equal(response.body.stop_reason, 'tool_use');
    assert.equal(response.body.content[0].name, JUDGE_TOOL_NAME);
    const verdict = JudgeVerdictSchema.parse(toolInput(response.body));
    assert.equal(verdict.recommendation, verdict.overallScore >= 70 ? 'approve' : verdict.overallScore < 30 ? 'critical_fail' : 'regenerate');
    for (const key of ['input_tokens', 'output_tokens', 'cache_creation_input_tokens', 'cache_read_input_tokens']) {
      assert.equal(typeof response.body.usage[key], 'number', key);
    }
    assert.equal(sim.calls().analyses, 1);
  });

  it('answers output_config json_schema with the verdict as JSON text', async () => {
    const response = await analyse(analysisRequest({ visualDirection: 'A quiet library', prompt: 'A quiet library', frames: [frame], mode: 'json' }));
    assert.equal(response.body.stop_reason, 'end_turn');
    assert.equal(response.body.content[0].type, 'text');
    JudgeVerdictSchema.parse(JSON.parse(response.body.content[0].text));
  });

  it('plays a rule\'s scores in order, repeating the last, with its issues', async () => {
    const issues = [{ category: 'brand_compliance' as const, severity: 'medium' as const, description: 'cold lighting' }];
    sim.setScenarios([{ match: 'red bicycle', scores: [45, 58, 72], issues }]);
    const scores: number[] = [];
    for (let n = 0; n < 4; n++) {
      const response = await analyse(analysisRequest({ visualDirection: 'A red bicycle by a wall', prompt: 'A red bicycle', frames: [frame] }));
      const verdict = JudgeVerdictSchema.parse(toolInput(response.body));
      scores.push(verdict.overallScore);
      assert.deepEqual(verdict.issues, issues);
      assert.equal(verdict.recommendation, verdict.overallScore >= 70 ? 'approve' : 'regenerate');
    }
    assert.deepEqual(scores, [45, 58, 72, 72]);
    assert.deepEqual(sim.calls().rules['red bicycle'], { generations: 0, analyses: 4 });
  });

  describe('claude faults', () => {
    const request = () => analysisRequest({ visualDirection: 'A flaky scene', prompt: 'A flaky scene', frames: [frame] });

    it('answers http429, http529, http500 and timeout with Anthropic error envelopes, then the first scripted score', async () => {
      sim.setScenarios([{ match: 'flaky', scores: [41, 77], faults: { claude: ['http429', 'http529', 'http500', 'timeout'] } }]);
      const limited = await analyse(request());
      assert.equal(limited.status, 429);
      assert.equal(limited.headers.get('retry-after'), '1');
      assert.equal(limited.body.type, 'error');
      assert.equal(limited.body.error.type, 'rate_limit_error');
      assert.match(limited.body.request_id, /^req_/);

      const overloaded = await analyse(request());
      assert.equal(overloaded.status, 529);
      assert.equal(overloaded.body.error.type, 'overloaded_error');

      const broken = await analyse(request());
      assert.equal(broken.status, 500);
      assert.equal(broken.body.error.type, 'api_error');

      const started = Date.now();
      const timedOut = await analyse(request());
      assert.equal(timedOut.status, 504);
      assert.equal(timedOut.body.error.type, 'timeout_error');
      assert.ok(Date.now() - started >= TIMEOUT_FAULT_MS - 10);

      const answered = await analyse(request());
      assert.equal(JudgeVerdictSchema.parse(toolInput(answered.body)).overallScore, 41, 'faults do not use up scores');
      assert.equal(sim.calls().analysisFaults, 4);
    });

    it('answers malformed, refuse and truncated with a 200 that cannot be used', async () => {
      sim.setScenarios([{ match: 'flaky', scores: [52], faults: { claude: ['malformed', 'refuse', 'truncated'] } }]);
      const malformed = await analyse(request());
      assert.equal(malformed.status, 200);
      assert.equal(malformed.body.stop_reason, 'tool_use');
      assert.equal(JudgeVerdictSchema.safeParse(toolInput(malformed.body)).success, false);

      const refused = await analyse(request());
      assert.equal(refused.body.stop_reason, 'refusal');
      assert.equal(toolInput(refused.body), undefined);

      const truncated = await analyse(request());
      assert.equal(truncated.body.stop_reason, 'max_tokens');
      assert.equal(JudgeVerdictSchema.safeParse(toolInput(truncated.body)).success, false);

      const answered = await analyse(request());
      assert.equal(JudgeVerdictSchema.parse(toolInput(answered.body)).overallScore, 52);
    });
  });

  it('stops at max_tokens when the answer does not fit', async () => {
    const response = await analyse(analysisRequest({ visualDirection: 'A quiet library', prompt: 'A quiet library', frames: [frame], maxTokens: 20 }));
    assert.equal(response.body.stop_reason, 'max_tokens');
  });

  it('rejects a missing key (401), a missing version (400), a bad image, sampling parameters the API version refuses and an unknown forced tool', async () => {
    const body = analysisRequest({ visualDirection: 'A quiet library', prompt: 'A quiet library', frames: [frame] });
    const noKey = await analyse(body, { 'anthropic-version': '2023-06-01' });
    assert.equal(noKey.status, 401);
    assert.deepEqual(Object.keys(noKey.body).sort(), ['error', 'request_id', 'type']);
    assert.equal(noKey.body.error.type, 'authentication_error');
    assert.equal((await analyse(body, { 'x-api-key': 'k' })).status, 400);

    const badImage = await analyse(analysisRequest({ visualDirection: 'x', prompt: 'x', frames: [Buffer.from('not an image').toString('base64')] }));
    assert.equal(badImage.status, 400);
    assert.equal(badImage.body.error.type, 'invalid_request_error');

    const unknownTool = await analyse({ ...body, tool_choice: { type: 'tool', name: 'something_else' } });
    assert.equal(unknownTool.status, 400);
    assert.match(unknownTool.body.error.message, /something_else/);

    const hotJudge = await analyse({ ...body, temperature: 1.5 });
    assert.equal(hotJudge.status, 400);
    assert.match(hotJudge.body.error.message, /temperature/);
    const newVersion = { ...ANTHROPIC_HEADERS, 'anthropic-version': '2026-10-21' };
    for (const sampling of [{ temperature: 0 }, { temperature: 1 }, { top_p: 0.9 }, { top_k: 5 }]) {
      const refused = await analyse({ ...body, ...sampling }, newVersion);
      assert.equal(refused.status, 400, JSON.stringify(sampling));
      assert.match(refused.body.error.message, /^(temperature|top_p|top_k): Extra inputs are not permitted$/);
    }

    const noMessages = await analyse({ model: 'claude-sonnet-4-6', max_tokens: 10, messages: [] });
    assert.equal(noMessages.status, 400);
    assert.equal(sim.calls().analyses, 0, 'rejected requests are not analyses');
  });

  describe('published rules (src/catalog/limits/anthropic.ts)', () => {
    const base = () => analysisRequest({ visualDirection: 'A quiet library', prompt: 'A quiet library', frames: [frame] });
    const withTool = (tool: Record<string, unknown>) => ({ ...base(), tools: [tool], tool_choice: { type: 'tool', name: JUDGE_TOOL_NAME } });

    it('refuses a tool input_schema in draft-07 with 400 invalid_request_error, and takes 2020-12 or none', async () => {
      const draft7 = await analyse(withTool({ name: JUDGE_TOOL_NAME, input_schema: { ...judgeInputJsonSchema, $schema: 'http://json-schema.org/draft-07/schema#' } }));
      assert.equal(draft7.status, 400);
      assert.equal(draft7.body.type, 'error');
      assert.equal(draft7.body.error.type, 'invalid_request_error');
      assert.match(draft7.body.error.message, /^tools\.0\.custom\.input_schema: JSON schema is invalid.*2020-12/);
      assert.match(draft7.body.request_id, /^req_/);
      assert.equal((await analyse(withTool({ name: JUDGE_TOOL_NAME, input_schema: judgeInputJsonSchema }))).status, 200);
      assert.equal(sim.calls().analyses, 1, 'a refused request is not an analysis');
    });

    it('refuses a strict tool whose schema uses what strict mode does not take, and takes the client\'s tool', async () => {
      const bounded = await analyse(withTool({ name: JUDGE_TOOL_NAME, strict: true, input_schema: judgeInputJsonSchema }));
      assert.equal(bounded.status, 400);
      assert.match(bounded.body.error.message, /minimum|additionalProperties/);
      const client = await analyse({ ...withTool({ name: JUDGE_TOOL_NAME, strict: true, input_schema: JUDGE_OUTPUT_SCHEMA }), system: judgeSystemBlocks() });
      assert.equal(client.status, 200);
      assert.ok(JudgeVerdictSchema.safeParse(toolInput(client.body)).success);
    });

    it('refuses a JSON output schema outside the strict subset', async () => {
      const raw = await analyse({ ...base(), output_config: { format: { type: 'json_schema', schema: judgeInputJsonSchema } } });
      assert.equal(raw.status, 400);
      assert.match(raw.body.error.message, /^output_config\.format\.schema/);
    });

    it('refuses a forced tool while the model thinks, as the API does, and takes it where thinking is off', async () => {
      const forced = (model: string, thinking?: Record<string, unknown>) =>
        analyse({ ...base(), model, ...(thinking ? { thinking } : {}) });
      // Sonnet 5 thinks unless told not to; Sonnet 5.5 always thinks; Sonnet 4.6 only when asked.
      for (const [model, thinking] of [['claude-sonnet-5', undefined], ['claude-sonnet-5-5', undefined], ['claude-sonnet-4-6', { type: 'adaptive' }]] as const) {
        const refused = await forced(model, thinking);
        assert.equal(refused.status, 400, model);
        assert.equal(refused.body.error.type, 'invalid_request_error');
        assert.equal(refused.body.error.message, 'tool_choice: Thinking may not be enabled when tool_choice forces tool use.');
      }
      assert.equal((await forced('claude-sonnet-5', { type: 'disabled' })).status, 200);
      assert.equal((await forced('claude-sonnet-4-6')).status, 200);
      assert.equal((await forced('claude-opus-4-7')).status, 200);
      const cannotStop = await analyse({ ...analysisRequest({ visualDirection: 'x', prompt: 'x', frames: [frame], mode: 'json', model: 'claude-sonnet-5-5' }), thinking: { type: 'disabled' } });
      assert.equal(cannotStop.status, 400);
      assert.match(cannotStop.body.error.message, /^thinking\.type: 'disabled' is not supported on claude-sonnet-5-5/);
      assert.equal(sim.calls().analyses, 3, 'refused requests are not analyses');
    });

    it('answers a thinking model with its thinking first, billed as output, then the JSON answer', async () => {
      const request = analysisRequest({ visualDirection: 'A quiet library', prompt: 'A quiet library', frames: [frame], mode: 'json', model: 'claude-sonnet-5-5' });
      const response = await analyse(request);
      assert.equal(response.status, 200);
      assert.deepEqual(response.body.content.map((block: { type: string }) => block.type), ['thinking', 'text']);
      JudgeVerdictSchema.parse(JSON.parse(response.body.content[1].text));
      const quiet = await analyse({ ...request, model: 'claude-sonnet-5', thinking: { type: 'disabled' } });
      assert.deepEqual(quiet.body.content.map((block: { type: string }) => block.type), ['text']);
      assert.ok(response.body.usage.output_tokens > quiet.body.usage.output_tokens);
    });

    it('refuses sampling parameters on the models that refuse them, on every API version', async () => {
      for (const model of ['claude-sonnet-5', 'claude-sonnet-5-5', 'claude-opus-4-7']) {
        const refused = await analyse({ ...base(), model, thinking: model === 'claude-sonnet-5-5' ? undefined : { type: 'disabled' }, temperature: 0.5 });
        assert.equal(refused.status, 400, model);
        assert.match(refused.body.error.message, /^temperature: /);
      }
      assert.equal((await analyse({ ...base(), model: 'claude-haiku-4-5', temperature: 0.5 })).status, 200);
    });

    it('refuses array bounds beyond minItems 0 or 1 in a strict schema, maxItems among them', async () => {
      const capped = { ...JUDGE_OUTPUT_SCHEMA, properties: { ...(JUDGE_OUTPUT_SCHEMA.properties as object), issues: { type: 'array', items: { type: 'string' }, maxItems: 8 } } };
      const refused = await analyse({ ...base(), tools: undefined, tool_choice: undefined, output_config: { format: { type: 'json_schema', schema: capped } } });
      assert.equal(refused.status, 400);
      assert.equal(refused.body.error.message, "output_config.format.schema.properties.issues.maxItems: 'maxItems' is not supported in strict mode schemas");
    });

    it('answers unknown and retired models with 404 not_found_error', async () => {
      for (const model of ['claude-sonnet-4-5', 'claude-sonnet-4-5-20250929', 'claude-nonexistent-1']) {
        const response = await analyse({ ...base(), model });
        assert.equal(response.status, 404, model);
        assert.equal(response.body.error.type, 'not_found_error');
        assert.equal(response.body.error.message, `model: ${model}`);
      }
    });

    it('refuses images over 5 MB, over 8000 px, and over 2000 px when a request carries more than 20', async () => {
      const tooBig = await analyse(analysisRequest({ visualDirection: 'x', prompt: 'x', frames: [Buffer.alloc(5 * 1024 * 1024 + 1, 1).toString('base64')] }));
      assert.equal(tooBig.status, 400);
      assert.match(tooBig.body.error.message, /5 MB/);
      const png = async (width: number, height: number) =>
        (await sharp({ create: { width, height, channels: 3, background: '#808080' } }).png().toBuffer()).toString('base64');
      const wide = await analyse(analysisRequest({ visualDirection: 'x', prompt: 'x', frames: [await png(8001, 8)] }));
      assert.equal(wide.status, 400);
      assert.match(wide.body.error.message, /8000/);
      const medium = await png(2001, 8);
      const many = await analyse(analysisRequest({ visualDirection: 'x', prompt: 'x', frames: Array.from({ length: 21 }, () => medium) }));
      assert.equal(many.status, 400);
      assert.match(many.body.error.message, /2000/);
      const twenty = await analyse(analysisRequest({ visualDirection: 'x', prompt: 'x', frames: Array.from({ length: 20 }, () => medium) }));
      assert.equal(twenty.status, 200);
    });

    it('caches nothing below the model\'s minimum prefix: no write, no read', async () => {
      const short = () => ({ ...base(), tools: undefined, tool_choice: undefined, system: [{ type: 'text', text: 'Judge the scene.', cache_control: { type: 'ephemeral' } }] });
      for (let round = 0; round < 2; round++) {
        const usage = (await analyse(short())).body.usage;
        assert.equal(usage.cache_creation_input_tokens, 0);
        assert.equal(usage.cache_read_input_tokens, 0);
      }
      // The real judge prefix (about 1.9k tokens) is cached on Sonnet 4.6 but not on Haiku 4.5 (4,096).
      const judge = (model: string) => ({ ...withTool({ name: JUDGE_TOOL_NAME, strict: true, input_schema: JUDGE_OUTPUT_SCHEMA }), system: judgeSystemBlocks(), model });
      await analyse(judge('claude-sonnet-4-6'));
      assert.ok((await analyse(judge('claude-sonnet-4-6'))).body.usage.cache_read_input_tokens > 1024);
      await analyse(judge('claude-haiku-4-5'));
      const haiku = (await analyse(judge('claude-haiku-4-5'))).body.usage;
      assert.equal(haiku.cache_read_input_tokens, 0);
      assert.equal(haiku.cache_creation_input_tokens, 0);
    });
  });

  it('bills a cached system block as cache creation first, then as a cache read', async () => {
    const first = await analyse(analysisRequest({ visualDirection: 'A quiet library', prompt: 'A quiet library', frames: [frame] }));
    const second = await analyse(analysisRequest({ visualDirection: 'A busy market', prompt: 'A busy market', frames: [frame] }));
    const systemTokens = Math.ceil(JUDGE_SYSTEM.length / 4);
    assert.ok(first.body.usage.cache_creation_input_tokens >= systemTokens);
    assert.equal(first.body.usage.cache_read_input_tokens, 0);
    assert.equal(second.body.usage.cache_creation_input_tokens, 0);
    assert.equal(second.body.usage.cache_read_input_tokens, first.body.usage.cache_creation_input_tokens);
    // 640x360 is about 308 tokens by width*height/750, on top of the text.
    assert.ok(second.body.usage.input_tokens >= 308, `input tokens ${second.body.usage.input_tokens}`);

    const changed = await analyse({ ...analysisRequest({ visualDirection: 'A busy market', prompt: 'A busy market', frames: [frame] }), system: [{ type: 'text', text: `${JUDGE_SYSTEM} Be brief.`, cache_control: { type: 'ephemeral' } }] });
    assert.ok(changed.body.usage.cache_creation_input_tokens > 0, 'a different system text is a new cache entry');

    sim.reset();
    const afterReset = await analyse(analysisRequest({ visualDirection: 'A quiet library', prompt: 'A quiet library', frames: [frame] }));
    assert.equal(afterReset.body.usage.cache_read_input_tokens, 0);
  });

  it('gives the official @anthropic-ai/sdk a parsed tool_use', async () => {
    const client = new Anthropic({ apiKey: 'test-key', baseURL: sim.url, maxRetries: 0 });
    const message = await client.messages.create(
      analysisRequest({ visualDirection: 'A quiet library', prompt: 'A quiet library', frames: [frame] }) as unknown as Anthropic.MessageCreateParamsNonStreaming,
    );
    assert.equal(message.stop_reason, 'tool_use');
    const block = message.content.find((content) => content.type === 'tool_use');
    assert.ok(block && block.type === 'tool_use');
    assert.equal(block.name, JUDGE_TOOL_NAME);
    JudgeVerdictSchema.parse(block.input);
    assert.ok(message.usage.input_tokens > 0);
  });
});
