import assert from 'node:assert/strict';
import { JudgeVerdictSchema, type JudgeVerdict } from '../../src/analysis/judge-verdict';
import { measureImage } from '../../src/sim/judge/image-metrics';
import { judge } from '../../src/sim/judge/judge-model';
import { PROVIDER_QUALITY_PROFILE } from '../../src/sim/judge/quality-model';
import { EXACT_JUDGE } from '../../src/sim/judge/judge-settings';
import { DEFAULT_REVIEWER_BARS, DEFAULT_REVIEWER_SIGMA } from '../../src/sim/judge/reviewer';
import { DEFAULT_SIM_SETTINGS } from '../../src/sim/sim-settings';
import { DEFAULT_EDIT_SETTINGS } from '../../src/sim/edit-model';
import { promptLook } from '../../src/sim/media/prompt-look';
import { renderStillPng } from '../../src/sim/media/render-image';
import type { Simulator } from '../../src/sim/server';
import { ANTHROPIC_HEADERS, analysisRequest } from './judge-helpers';
import { call, startTestSimulator } from './sim-test-helpers';

const VISUAL_DIRECTION = 'A bowl of fresh salad on a wooden table';
const PROMPT = 'A bowl of fresh salad on a wooden table, warm golden natural lighting';

/** Small frames: these tests send hundreds of requests. */
async function frameOf(prompt: string, mark?: Parameters<typeof renderStillPng>[3]): Promise<Buffer> {
  return renderStillPng(promptLook(prompt), 320, 180, mark);
}

/** The text the simulator reads from analysisRequest(): its one text block. */
function sceneTextOf(request: Record<string, unknown>): string {
  const content = (request.messages as { content: { type: string; text?: string }[] }[])[0].content;
  return content.filter((block) => block.type === 'text').map((block) => block.text).join('\n');
}

describe('simulator: per-call judge noise and the provider profile', function () {
  this.timeout(60_000);
  let sim: Simulator;
  let frame: Buffer;

  before(async () => {
    sim = await startTestSimulator();
    frame = await frameOf(PROMPT);
  });
  after(() => sim.stop());
  beforeEach(() => sim.reset());

  const verdictOf = async (request: Record<string, unknown>, target = sim): Promise<JudgeVerdict> => {
    const response = await call(`${target.url}/v1/messages`, { headers: ANTHROPIC_HEADERS, json: request });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    const block = (response.body.content as { type: string; input?: unknown }[]).find((b) => b.type === 'tool_use');
    return JudgeVerdictSchema.parse(block?.input);
  };
  const request = (options: { visualDirection?: string; prompt?: string; frames?: Buffer[] } = {}) =>
    analysisRequest({
      visualDirection: options.visualDirection ?? VISUAL_DIRECTION,
      prompt: options.prompt ?? PROMPT,
      frames: (options.frames ?? [frame]).map((bytes) => bytes.toString('base64')),
    });
  const scoresOf = async (count: number, body: Record<string, unknown>, target = sim) => {
    const scores: number[] = [];
    for (let n = 0; n < count; n++) scores.push((await verdictOf(body, target)).overallScore);
    return scores;
  };

  it('without settings answers exactly what the judge model says, every time', async () => {
    const body = request();
    const expected = judge({ userText: sceneTextOf(body), images: [await measureImage(frame)] });
    for (let n = 0; n < 3; n++) assert.deepEqual(await verdictOf(body), expected);
    const zero = await startTestSimulator({ settings: { judgeNoise: 0, seed: 99 } });
    try {
      assert.deepEqual(await verdictOf(body, zero), expected);
    } finally {
      await zero.stop();
    }
  });

  it('with σ > 0 spreads a re-judged asset\'s scores about σ around its true quality, the same for the same seed', async () => {
    const body = request();
    const truth = judge({ userText: sceneTextOf(body), images: [await measureImage(frame)] }).overallScore;
    sim.setSettings({ judgeNoise: 6, seed: 9 });
    const scores = await scoresOf(150, body);
    const mean = scores.reduce((sum, value) => sum + value, 0) / scores.length;
    const sd = Math.sqrt(scores.reduce((sum, value) => sum + (value - mean) ** 2, 0) / scores.length);
    assert.ok(Math.abs(mean - truth) < 1.6, `mean ${mean}, true quality ${truth}`);
    assert.ok(sd > 4.8 && sd < 7.2, `sd ${sd}`);
    assert.ok(new Set(scores).size > 8);

    // A reset forgets what was seen (and restores the settings the simulator started with).
    sim.reset();
    sim.setSettings({ judgeNoise: 6, seed: 9 });
    assert.deepEqual(await scoresOf(20, body), scores.slice(0, 20));
    sim.reset();
    sim.setSettings({ judgeNoise: 6, seed: 10 });
    assert.notDeepEqual(await scoresOf(20, body), scores.slice(0, 20));
  });

  it('draws the same noise for a scene whatever other scenes come in between', async () => {
    const other = request({ visualDirection: 'A cold blue office', prompt: 'A cold blue office', frames: [await frameOf('A cold blue office')] });
    sim.setSettings({ judgeNoise: 5, seed: 3 });
    const alone = await scoresOf(6, request());
    sim.reset();
    sim.setSettings({ judgeNoise: 5, seed: 3 });
    const interleaved: number[] = [];
    for (let n = 0; n < 6; n++) {
      await verdictOf(other);
      interleaved.push((await verdictOf(request())).overallScore);
    }
    assert.deepEqual(interleaved, alone);
  });

  it('keeps category scores, issues and recommendation consistent with the noisy overall score', async () => {
    sim.setSettings({ judgeNoise: 12, seed: 4 });
    for (let n = 0; n < 25; n++) {
      const verdict = await verdictOf(request());
      const { brand_compliance, technical, ai_artifacts, content_match, composition } = verdict.categoryScores;
      const blend = 0.25 * brand_compliance + 0.2 * technical + 0.15 * ai_artifacts + 0.2 * content_match + 0.2 * composition;
      assert.ok(Math.abs(blend - verdict.overallScore) <= 4, `blend ${blend}, overall ${verdict.overallScore}`);
      const expected = verdict.overallScore >= 70 ? 'approve' : verdict.overallScore < 30 ? 'critical_fail' : 'regenerate';
      assert.equal(verdict.recommendation, expected);
      for (const issue of verdict.issues) assert.ok(verdict.categoryScores[issue.category] < 85);
    }
  });

  it('serves scripted scores exactly, whatever the noise', async () => {
    sim.setSettings({ judgeNoise: 15, seed: 2 });
    sim.setScenarios([{ match: 'fresh salad', scores: [45, 58, 72], judgeNoise: 20 }]);
    assert.deepEqual(await scoresOf(5, request()), [45, 58, 72, 72, 72]);
  });

  it('takes a rule\'s judgeNoise for its scenes only, over the simulator setting', async () => {
    const office = request({ visualDirection: 'A cold blue office', prompt: 'A cold blue office', frames: [await frameOf('A cold blue office')] });
    sim.setScenarios([{ match: 'fresh salad', judgeNoise: 8 }]);
    assert.ok(new Set(await scoresOf(12, request())).size > 2, 'the rule\'s scene is noisy');
    assert.equal(new Set(await scoresOf(5, office)).size, 1, 'other scenes keep the setting: none');

    sim.reset();
    sim.setSettings({ judgeNoise: 8 });
    sim.setScenarios([{ match: 'fresh salad', judgeNoise: 0 }]);
    assert.equal(new Set(await scoresOf(6, request())).size, 1, 'a rule can turn the noise off');
  });

  it('adds the provider profile for the content type when the frames carry a provider\'s mark', async () => {
    const withType = (body: Record<string, unknown>) => {
      const messages = body.messages as { content: { type: string; text?: string }[] }[];
      const text = messages[0].content.find((block) => block.type === 'text');
      if (text) text.text = `${text.text}\nexpected content type: food`;
      return body;
    };
    for (const provider of ['flux', 'hailuo'] as const) {
      const marked = await frameOf(PROMPT, provider);
      const body = withType(request({ frames: [marked] }));
      const own = judge({ userText: sceneTextOf(body), images: [await measureImage(marked)] }).overallScore;
      assert.equal((await verdictOf(body)).overallScore, own + PROVIDER_QUALITY_PROFILE[provider].food, provider);
    }
    const unmarked = withType(request());
    const own = judge({ userText: sceneTextOf(unmarked), images: [await measureImage(frame)] }).overallScore;
    assert.equal((await verdictOf(unmarked)).overallScore, own, 'no mark: no offset');
  });

  describe('settings and rules are validated', () => {
    it('POST /_sim/settings takes a subset and answers every setting; bad values are 400 naming the field, changing nothing', async () => {
      const set = (json: unknown) => call(`${sim.url}/_sim/settings`, { json });
      const ok = await set({ judgeNoise: 4.5, judge: { persistentSigma: 8 }, reviewerBars: { Person: 81, drone: 60 } });
      assert.equal(ok.status, 200);
      assert.deepEqual(ok.body, {
        seed: 1,
        providerProfile: false,
        judge: { ...EXACT_JUDGE, callSigma: 4.5, persistentSigma: 8 },
        reviewerBars: { ...DEFAULT_REVIEWER_BARS, person: 81, drone: 60 },
        reviewerSigma: DEFAULT_REVIEWER_SIGMA,
        edit: DEFAULT_EDIT_SETTINGS,
      });
      assert.deepEqual((await call(`${sim.url}/_sim/settings`)).body, ok.body);
      for (const [json, field] of [
        [{ judgeNoise: -1 }, /judgeNoise/],
        [{ judgeNoise: 'high' }, /judgeNoise/],
        [{ judgeNoise: 51 }, /judgeNoise/],
        [{ judgeNoise: 2, judge: { callSigma: 3 } }, /judgeNoise: judgeNoise is the older name of judge\.callSigma/],
        [{ seed: 1.5 }, /seed/],
        [{ seed: -2 }, /seed/],
        [{ providerProfile: 'yes' }, /providerProfile/],
        [{ noise: 3 }, /noise/],
        [{ judge: { persistentSigma: -1 } }, /judge\.persistentSigma: persistentSigma must be a number of points from 0 to 50/],
        [{ judge: { viewCorrelation: 1.2 } }, /judge\.viewCorrelation: viewCorrelation must be a number from 0 to 1/],
        [{ judge: { pairwiseAccuracy: 0.3 } }, /judge\.pairwiseAccuracy: pairwiseAccuracy must be a number from 0\.5 to 1/],
        [{ judge: { firstPositionBias: 0.6 } }, /judge\.firstPositionBias/],
        [{ judge: { issueRecall: 'most' } }, /judge\.issueRecall/],
        [{ judge: { spuriousIssueRate: -0.1 } }, /judge\.spuriousIssueRate/],
        [{ judge: { rho: 0.5 } }, /judge.*rho/],
        [{ reviewerBars: { person: 101 } }, /reviewerBars\.person: a reviewer bar must be a number of points from 0 to 100/],
        [{ reviewerBars: { '': 70 } }, /reviewerBars/],
        [{ reviewerSigma: -1 }, /reviewerSigma/],
        [{ edit: { damagePoints: -1 } }, /edit\.damagePoints: must be a number of points from 0 to 100/],
        [{ seed: 5, judge: { callSigma: 99 } }, /judge\.callSigma/],
      ] as const) {
        const response = await set(json);
        assert.equal(response.status, 400, JSON.stringify(json));
        assert.match(response.body.error, field);
      }
      assert.deepEqual((await call(`${sim.url}/_sim/settings`)).body, ok.body, 'a refused body changes nothing, not even its valid parts');
      sim.reset();
      assert.deepEqual((await call(`${sim.url}/_sim/settings`)).body, DEFAULT_SIM_SETTINGS);
    });

    it('POST /_sim/scenarios refuses bad judgeNoise and pairwise values with a clear 400', async () => {
      const post = (json: unknown) => call(`${sim.url}/_sim/scenarios`, { json });
      for (const [rule, message] of [
        [{ match: 'x', judgeNoise: -0.5 }, /0\.judgeNoise: judgeNoise must be a number of points from 0 to 50/],
        [{ match: 'x', judgeNoise: 'lots' }, /0\.judgeNoise: judgeNoise must be a number/],
        [{ match: 'x', pairwise: 'both' }, /0\.pairwise: pairwise must be "first" or "second"/],
        [{ match: 'x', pairwise: 'tie' }, /0\.pairwise/],
        [{ match: 'x', judge: { pairwiseAccuracy: 2 } }, /0\.judge\.pairwiseAccuracy/],
        [{ match: 'x', judge: { noise: 2 } }, /0\.judge/],
        [{ match: 'x', judgeNoise: 2, judge: { callSigma: 2 } }, /0\.judgeNoise: judgeNoise is the older name/],
        [{ match: 'x', issues: [{ category: 'technical', severity: 'low', description: 'blur', region: { x: 0.8, y: 0, w: 0.5, h: 0.2 } }] }, /region must lie inside the frame/],
        [{ match: 'x', issues: [{ category: 'technical', severity: 'low', description: 'blur', region: { x: 0, y: 0, w: 0, h: 0.2 } }] }, /width and a height/],
        [{ match: 'x', issues: [{ category: 'technical', severity: 'low', description: 'blur', timeSpan: { startS: 2, endS: 1 } }] }, /timeSpan\.endS must be after/],
        [{ match: 'x', issues: [{ category: 'technical', severity: 'low', description: 'blur', place: 'left' }] }, /place/],
      ] as const) {
        const response = await post([rule]);
        assert.equal(response.status, 400, JSON.stringify(rule));
        assert.match(response.body.error, message);
      }
      assert.equal((await post([{ match: 'x', judgeNoise: 3, pairwise: 'second' }])).status, 200);
      const local = { category: 'ai_artifacts', severity: 'medium', description: 'six fingers', region: { x: 0.1, y: 0.2, w: 0.3, h: 0.3 }, timeSpan: { startS: 1, endS: 2.5 } };
      assert.equal((await post([{ match: 'x', judge: { persistentSigma: 8, issueRecall: 0.5 }, issues: [local] }])).status, 200);
    });

    it('startSimulator refuses bad settings', async () => {
      await assert.rejects(startTestSimulator({ settings: { judgeNoise: -3 } }), /judgeNoise/);
      await assert.rejects(startTestSimulator({ settings: { judge: { viewCorrelation: -1 } } }), /viewCorrelation/);
    });
  });

  it('profile off by default: generated files carry no mark; on: they carry their provider\'s', async () => {
    const generate = async () => {
      const created = await call(`${sim.url}/api/v1/task`, {
        headers: { 'x-api-key': 'test-key' },
        json: { model: 'Qubico/flux1-schnell', task_type: 'txt2img', input: { prompt: 'A bowl of fresh salad', width: 512, height: 512 } },
      });
      assert.equal(created.status, 200, JSON.stringify(created.body));
      const id = created.body.data.task_id as string;
      for (let poll = 0; poll < 200; poll++) {
        const data = (await call(`${sim.url}/api/v1/task/${id}`, { headers: { 'x-api-key': 'test-key' } })).body.data;
        if (data.status === 'completed') {
          const url = (data.output.image_url ?? data.output.image_urls?.[0]) as string;
          return Buffer.from(await (await fetch(url)).arrayBuffer());
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error('task did not complete');
    };
    const { readProviderMark } = await import('../../src/sim/media/provider-mark');
    assert.equal(await readProviderMark(await generate()), undefined);
    sim.setSettings({ providerProfile: true });
    assert.equal(await readProviderMark(await generate()), 'flux');
  });
});
