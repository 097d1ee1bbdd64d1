import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { JudgeVerdictSchema } from '../../src/analysis/judge-verdict';
import { DEFAULT_REVIEWER_BARS } from '../../src/sim/judge/reviewer';
import { trueQualityFor } from '../../src/sim/judge/quality-model';
import type { Simulator } from '../../src/sim/server';
import { ANTHROPIC_HEADERS, analysisRequest } from './judge-helpers';
import { call, sleep, startTestSimulator } from './sim-test-helpers';

const KEY = { 'x-api-key': 'test-key' };
const DIRECTION = 'A ceramic teapot on a windowsill';
const PROMPT = `${DIRECTION}, warm golden natural lighting, sharp focus`;

/** A stored copy of an asset, served from somewhere else, as the product's asset store does. */
async function serveCopy(bytes: Buffer): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    if (request.url === '/assets/copy.png') response.writeHead(200, { 'content-type': 'image/png' }).end(bytes);
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/assets/copy.png`, server };
}

describe('simulator: POST /_sim/review, a person\'s verdict on an asset', function () {
  this.timeout(60_000);
  let sim: Simulator;
  let fileUrl: string;
  let bytes: Buffer;
  let copy: { url: string; server: Server };

  const review = (json: unknown) => call(`${sim.url}/_sim/review`, { json });
  const analyse = async (prompt: string) => {
    const response = await call(`${sim.url}/v1/messages`, {
      headers: ANTHROPIC_HEADERS,
      json: analysisRequest({ visualDirection: DIRECTION, prompt, contentType: 'object', frames: [bytes.toString('base64')] }),
    });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return JudgeVerdictSchema.parse((response.body.content as { input: unknown }[])[0].input);
  };

  before(async () => {
    sim = await startTestSimulator();
    const created = await call(`${sim.url}/api/v1/task`, {
      headers: KEY,
      json: { model: 'Qubico/flux1-schnell', task_type: 'txt2img', input: { prompt: PROMPT, width: 512, height: 512 } },
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    for (let poll = 0; poll < 200; poll++) {
      const data = (await call(`${sim.url}/api/v1/task/${created.body.data.task_id}`, { headers: KEY })).body.data;
      if (data.status === 'completed') {
        fileUrl = data.output.image_url;
        break;
      }
      await sleep(30);
    }
    bytes = Buffer.from(await (await fetch(fileUrl)).arrayBuffer());
    copy = await serveCopy(bytes);
  });
  after(async () => {
    copy.server.close();
    await sim.stop();
  });
  beforeEach(() => sim.reset());

  it('reviews an asset the judge saw by the quality it worked from, by its own URL or a stored copy\'s', async () => {
    sim.setSettings({ reviewerSigma: 0 });
    const judged = await analyse(PROMPT);
    for (const assetUrl of [fileUrl, copy.url]) {
      const answer = await review({ assetUrl });
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assert.deepEqual(answer.body, {
        approve: judged.overallScore >= DEFAULT_REVIEWER_BARS.object,
        trueQuality: judged.overallScore,
        bar: DEFAULT_REVIEWER_BARS.object,
        contentType: 'object',
        judged: true,
      });
    }
  });

  it('approves by the hidden bar: settable per content type, and noisy around it', async () => {
    const judged = await analyse(PROMPT);
    sim.setSettings({ reviewerSigma: 0, reviewerBars: { object: judged.overallScore } });
    assert.equal((await review({ assetUrl: fileUrl })).body.approve, true);
    sim.setSettings({ reviewerBars: { object: judged.overallScore + 1 } });
    assert.equal((await review({ assetUrl: fileUrl })).body.approve, false);
    sim.setSettings({ reviewerSigma: 4, reviewerBars: { object: judged.overallScore } });
    const verdicts = [];
    for (let n = 0; n < 40; n++) verdicts.push((await review({ assetUrl: copy.url })).body.approve);
    const approved = verdicts.filter(Boolean).length;
    assert.ok(approved > 8 && approved < 32, `at the bar a reviewer goes either way: ${approved} of 40`);
  });

  it('serves the truth of a scripted score: the rule says what the asset really is', async () => {
    sim.setScenarios([{ match: 'ceramic teapot', scores: [91] }]);
    await analyse(PROMPT);
    sim.setSettings({ reviewerSigma: 0 });
    const answer = await review({ assetUrl: fileUrl });
    assert.equal(answer.body.trueQuality, 91);
    assert.equal(answer.body.approve, true);
  });

  it('reviews an asset described by its prompt, by the simulator\'s model when the judge never saw it', async () => {
    sim.setSettings({ reviewerSigma: 0 });
    const described = await review({ prompt: 'A brass compass on a map', contentType: 'Object', visualDirection: 'A brass compass on a map' });
    assert.equal(described.status, 200, JSON.stringify(described.body));
    const expected = trueQualityFor({ prompt: 'A brass compass on a map', contentType: 'object', visualDirection: 'A brass compass on a map' });
    assert.deepEqual(described.body, { approve: expected >= DEFAULT_REVIEWER_BARS.object, trueQuality: expected, bar: DEFAULT_REVIEWER_BARS.object, contentType: 'object', judged: false });
    const judged = await analyse(PROMPT);
    assert.equal((await review({ prompt: PROMPT, contentType: 'object' })).body.trueQuality, judged.overallScore);
  });

  it('refuses what it cannot review with a clear error', async () => {
    for (const body of [{}, { assetUrl: 'ftp://example.com/a.png' }, { assetUrl: fileUrl, prompt: 'x' }, { prompt: 'A teapot' }, { prompt: '', contentType: 'object' }]) {
      const answer = await review(body);
      assert.equal(answer.status, 400, JSON.stringify(body));
      assert.match(answer.body.error, /Invalid review request/);
    }
    const unknownBytes = await serveCopy(Buffer.from('not an asset of ours'));
    try {
      const unknown = await review({ assetUrl: unknownBytes.url });
      assert.equal(unknown.status, 404);
      assert.match(unknown.body.error, /can review only its own outputs/);
    } finally {
      unknownBytes.server.close();
    }
    const missing = await review({ assetUrl: `${copy.url}.gone` });
    assert.equal(missing.status, 502);
    assert.match(missing.body.error, /HTTP 404/);
    assert.equal((await review({ assetUrl: `${sim.url}/_sim/files/00000000-0000-0000-0000-000000000000.png` })).status, 404);
  });
});
