import assert from 'node:assert/strict';
import { JudgeVerdictSchema, judgeInputJsonSchema, type JudgeVerdict } from '../../src/analysis/judge-verdict';
import { JUDGE_TOOL_NAME } from '../../src/sim/judge/messages-response';
import { EXACT_JUDGE, REALISTIC_JUDGE } from '../../src/sim/judge/judge-settings';
import type { Simulator } from '../../src/sim/server';
import { ANTHROPIC_HEADERS, analysisRequest, frameFor, pairwiseRequest } from './judge-helpers';
import { call, startTestSimulator } from './sim-test-helpers';

const DIRECTION = 'A bowl of fresh salad on a wooden table';
/** Prompts of distinct assets of one scene: the simulator renders each prompt to its own pixels. */
const PROMPTS = Array.from({ length: 12 }, (_, index) => `${DIRECTION}, take ${index + 1}, warm light`);

/** The product's verdict schema with the optional local-defect fields it may ask for (CONTRACT.md issues). */
/** The product's judge schema (which asks for a region and a time span) without them: an older client's. */
function schemaWithoutLocalDefects(): Record<string, unknown> {
  const schema = structuredClone(judgeInputJsonSchema) as unknown as { properties: { issues: { items: { properties: Record<string, unknown> } } } };
  delete schema.properties.issues.items.properties.region;
  delete schema.properties.issues.items.properties.timeSpan;
  return schema as unknown as Record<string, unknown>;
}

describe('simulator: a judge whose errors do not go away by asking again', function () {
  this.timeout(120_000);
  let sim: Simulator;
  const frames = new Map<string, string>();

  before(async () => {
    sim = await startTestSimulator();
    for (const prompt of PROMPTS) frames.set(prompt, await frameFor(prompt, 320, 180));
    frames.set('other', await frameFor(`${PROMPTS[0]}, seen again`, 320, 180));
  });
  after(() => sim.stop());
  beforeEach(() => sim.reset());

  const verdictOf = async (body: Record<string, unknown>): Promise<JudgeVerdict & { issues: Record<string, unknown>[] }> => {
    const response = await call(`${sim.url}/v1/messages`, { headers: ANTHROPIC_HEADERS, json: body });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    const block = (response.body.content as { type: string; input?: unknown }[]).find((b) => b.type === 'tool_use');
    JudgeVerdictSchema.parse(block?.input);
    return block?.input as JudgeVerdict & { issues: Record<string, unknown>[] };
  };
  const ask = (prompt: string, options: { model?: string; system?: string; frames?: string[] } = {}) =>
    analysisRequest({ visualDirection: DIRECTION, prompt, frames: options.frames ?? [frames.get(prompt)!], model: options.model, system: options.system });
  /** What an exact judge says of each request: the true quality, rounded. */
  const truths = async (bodies: Record<string, unknown>[]) => {
    const saved = sim.settings();
    sim.setSettings({ judge: EXACT_JUDGE });
    const scores = [];
    for (const body of bodies) scores.push((await verdictOf(body)).overallScore);
    sim.setSettings({ judge: saved.judge });
    return scores;
  };
  const errorsOf = async (bodies: Record<string, unknown>[]) => {
    const exact = await truths(bodies);
    const served = [];
    for (const body of bodies) served.push((await verdictOf(body)).overallScore);
    return served.map((score, index) => score - exact[index]);
  };

  it('repeats the same error when the same question is asked again', async () => {
    sim.setSettings({ judge: { persistentSigma: 8, callSigma: 0 } });
    const bodies = PROMPTS.map((prompt) => ask(prompt));
    const first = await errorsOf(bodies);
    const again = await errorsOf(bodies);
    assert.deepEqual(again, first);
    assert.ok(first.filter((error) => error !== 0).length >= PROMPTS.length - 2, `errors ${first.join(', ')}`);
    assert.ok(Math.max(...first.map(Math.abs)) >= 4, `σ 8 errors reach several points: ${first.join(', ')}`);
  });

  it('draws a new error for another view: other frames, other instructions, another model', async () => {
    sim.setSettings({ judge: { persistentSigma: 8, callSigma: 0, viewCorrelation: 0 } });
    const prompt = PROMPTS[0];
    const views = [
      ask(prompt),
      ask(prompt, { frames: [frames.get(prompt)!, frames.get('other')!] }),
      ask(prompt, { system: 'You are a strict reviewer. Score each category 0-100.' }),
      ask(prompt, { model: 'claude-opus-4-7' }),
    ];
    const errors = await errorsOf(views);
    assert.equal(new Set(errors).size, errors.length, `one error per view: ${errors.join(', ')}`);
  });

  it('shares the whole error between two views at ρ = 1', async () => {
    sim.setSettings({ judge: { persistentSigma: 8, callSigma: 0, viewCorrelation: 1 } });
    const other = (prompt: string) => ask(prompt, { model: 'claude-opus-4-7', system: 'Judge the asset; be strict.' });
    const plain = await errorsOf(PROMPTS.map((prompt) => ask(prompt)));
    const otherView = await errorsOf(PROMPTS.map(other));
    const close = plain.filter((error, index) => Math.abs(error - otherView[index]) <= 1).length;
    assert.ok(close >= PROMPTS.length - 1, `ρ 1: ${plain.join(', ')} against ${otherView.join(', ')}`);
  });

  it('adds fresh per-call noise on top, replayed exactly by the same seed', async () => {
    sim.setSettings({ seed: 4, judge: { persistentSigma: 8, callSigma: 3 } });
    const body = ask(PROMPTS[1]);
    const scores = [];
    for (let n = 0; n < 30; n++) scores.push((await verdictOf(body)).overallScore);
    assert.ok(new Set(scores).size >= 4, `per-call spread: ${scores.join(', ')}`);
    sim.reset();
    sim.setSettings({ seed: 4, judge: { persistentSigma: 8, callSigma: 3 } });
    const replay = [];
    for (let n = 0; n < 30; n++) replay.push((await verdictOf(body)).overallScore);
    assert.deepEqual(replay, scores);
    sim.reset();
    sim.setSettings({ seed: 5, judge: { persistentSigma: 8, callSigma: 3 } });
    const otherSeed = [];
    for (let n = 0; n < 30; n++) otherSeed.push((await verdictOf(body)).overallScore);
    assert.notDeepEqual(otherSeed, scores);
  });

  it('applies a rule\'s judge settings to its scenes only', async () => {
    const bodies = [ask(PROMPTS[2]), ask(PROMPTS[3])];
    const exact = await truths(bodies);
    sim.setScenarios([{ match: 'take 3,', judge: { persistentSigma: 20, viewCorrelation: 1 } }]);
    sim.setSettings({ seed: 2 });
    const served = [(await verdictOf(bodies[0])).overallScore, (await verdictOf(bodies[1])).overallScore];
    assert.notEqual(served[0], exact[0], 'the rule\'s scene strays');
    assert.equal(served[1], exact[1], 'the others keep the exact judge');
  });

  it('misses real defects and invents others as settable, and serves scripted issues exactly', async () => {
    const body = ask(PROMPTS[4]);
    const exact = await verdictOf(body);
    assert.ok(exact.issues.length >= 2);
    sim.setSettings({ judge: { issueRecall: 0 } });
    assert.deepEqual((await verdictOf(body)).issues, []);
    sim.setSettings({ judge: { issueRecall: 0, spuriousIssueRate: 1 } });
    const invented = await verdictOf(body);
    assert.equal(invented.issues.length, 1);
    assert.equal(invented.issues[0].severity, 'low');
    assert.ok(invented.categoryScores[invented.issues[0].category as keyof JudgeVerdict['categoryScores']] < 85);

    const scripted = [{ category: 'technical' as const, severity: 'high' as const, description: 'Motion blur on the bowl' }];
    sim.setSettings({ judge: { issueRecall: 0, spuriousIssueRate: 1 } });
    sim.setScenarios([{ match: 'take 5,', issues: scripted }]);
    assert.deepEqual((await verdictOf(body)).issues, scripted);
  });

  it('sends a rule\'s region and time span only to a client whose schema asks for them', async () => {
    const local = {
      category: 'ai_artifacts' as const,
      severity: 'medium' as const,
      description: 'Six fingers on the left hand',
      region: { x: 0.1, y: 0.5, w: 0.2, h: 0.2 },
      timeSpan: { startS: 1, endS: 2.5 },
    };
    sim.setScenarios([{ match: 'take 6,', scores: [66], issues: [local] }]);
    const older = {
      ...ask(PROMPTS[5]),
      tools: [{ name: JUDGE_TOOL_NAME, description: 'Record the analysis', input_schema: schemaWithoutLocalDefects() }],
    };
    const plain = await verdictOf(older);
    assert.deepEqual(plain.issues, [{ category: local.category, severity: local.severity, description: local.description }]);
    // The product's own request asks for both (src/analysis/judge-verdict.ts).
    assert.deepEqual((await verdictOf(ask(PROMPTS[5]))).issues, [local]);
  });

  it('answers pairwise requests with the settable accuracy and first-position preference', async () => {
    const [better, worse] = [frames.get(PROMPTS[0])!, frames.get(PROMPTS[1])!];
    const sceneText = `visual direction: ${DIRECTION}`;
    const prefer = async (first: string, second: string, system?: string) => {
      const request = pairwiseRequest({ sceneText, first: [first], second: [second] });
      if (system !== undefined) request.system = [{ type: 'text', text: system }];
      const response = await call(`${sim.url}/v1/messages`, { headers: ANTHROPIC_HEADERS, json: request });
      assert.equal(response.status, 200, JSON.stringify(response.body));
      return (response.body.content as { input: { preferred: string } }[])[0].input.preferred;
    };
    // Always the first shown: the strongest preference, and a comparer no better than a coin.
    sim.setSettings({ judge: { pairwiseAccuracy: 0.5, firstPositionBias: 0.5 } });
    for (let n = 0; n < 5; n++) {
      assert.equal(await prefer(better, worse), 'first');
      assert.equal(await prefer(worse, better), 'first');
    }
    // A comparer barely better than a coin, whose error is all persistent: the identical question
    // gets the identical answer, another wording of the instructions a draw of its own.
    sim.setSettings({ judge: { pairwiseAccuracy: 0.55, firstPositionBias: 0, persistentSigma: 8, callSigma: 0 } });
    const repeated = new Set<string>();
    for (let n = 0; n < 10; n++) repeated.add(await prefer(better, worse));
    assert.equal(repeated.size, 1);
    const reworded = [];
    for (let n = 0; n < 30; n++) reworded.push(await prefer(better, worse, `Say which asset is better (wording ${n}).`));
    assert.equal(new Set(reworded).size, 2, reworded.join(', '));
    // The realistic comparer, on two renders of one scene of about the same quality: it goes either way.
    sim.setSettings({ judge: REALISTIC_JUDGE });
    const answers = [];
    for (let n = 0; n < 30; n++) answers.push(await prefer(better, worse, `Compare the two assets (wording ${n}).`));
    assert.equal(new Set(answers).size, 2, answers.join(', '));
    // A rule still decides.
    sim.setScenarios([{ match: 'bowl of fresh salad', pairwise: 'second' }]);
    for (let n = 0; n < 5; n++) assert.equal(await prefer(better, worse), 'second');
  });
});
