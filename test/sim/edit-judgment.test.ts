import assert from 'node:assert/strict';
import type { JudgeVerdict } from '../../src/analysis/judge-verdict';
import sharp from 'sharp';
import { editedIssues, editedTrueQuality, localDefectPoints } from '../../src/sim/judge/edited-judgment';
import type { Simulator } from '../../src/sim/server';
import { ANTHROPIC_HEADERS, analysisRequest, assertDamagedElsewhere, localIssues, WARPED_LOGO } from './judge-helpers';
import { call, download, FAL_AUTH, falQueueResult, startTestSimulator } from './sim-test-helpers';

const DIRECTION = 'A ceramic mug with a printed logo on a wooden table, warm light';
const PROMPT = `${DIRECTION}, soft morning sun`;
const INSTRUCTION = 'Fix only these defects: 1. The logo on the mug is warped (in the area 40%-60% across and 30%-50% down the frame). Change nothing else.';

describe('simulator: its own judge sees what an edit fixed and damaged', function () {
  this.timeout(120_000);
  let sim: Simulator;
  before(async () => {
    sim = await startTestSimulator();
  });
  after(() => sim.stop());
  beforeEach(() => {
    sim.reset();
    // The defect is local and scripted; the score is the judge's own (no rule scripts it).
    sim.setScenarios([{ match: 'printed logo', issues: [WARPED_LOGO] }]);
  });

  const falResult = (app: string, id: string) => falQueueResult(sim.url, app, id);
  const generated = async () => {
    const submitted = await call(`${sim.url}/fal/queue/fal-ai/flux/schnell`, { headers: FAL_AUTH, json: { prompt: PROMPT, image_size: 'landscape_4_3' } });
    return (await download((await falResult('fal-ai/flux', submitted.body.request_id)).images[0].url)).bytes;
  };
  const kontextEdit = async (source: Buffer) => {
    const image_url = `data:image/png;base64,${source.toString('base64')}`;
    const submitted = await call(`${sim.url}/fal/queue/fal-ai/flux-pro/kontext`, { headers: FAL_AUTH, json: { prompt: INSTRUCTION, image_url } });
    assert.equal(submitted.status, 200, JSON.stringify(submitted.body));
    return (await download((await falResult('fal-ai/flux-pro', submitted.body.request_id)).images[0].url)).bytes;
  };
  /** Judged as the product sends a larger image: resized and re-encoded as JPEG, so no bytes match a file. */
  const judged = async (picture: Buffer): Promise<JudgeVerdict> => {
    const shown = await sharp(picture).resize(700, 525, { fit: 'fill' }).jpeg({ quality: 85 }).toBuffer();
    const request = analysisRequest({ visualDirection: DIRECTION, prompt: PROMPT, frames: [shown.toString('base64')] }) as {
      messages: { content: { source?: { media_type: string } }[] }[];
    };
    request.messages[0].content[0].source!.media_type = 'image/jpeg';
    const response = await call(`${sim.url}/v1/messages`, { headers: ANTHROPIC_HEADERS, json: request });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return (response.body.content as { type: string; input: JudgeVerdict }[]).find((block) => block.type === 'tool_use')!.input;
  };

  it('judges a kontext edit that fixed the named defect higher by its points, the defect gone', async () => {
    sim.setSettings({ edit: { fixChance: { falai: 1 }, damageRate: 0 } });
    const source = await generated();
    const before = await judged(source);
    assert.deepEqual(localIssues(before), [WARPED_LOGO]);

    const after = await judged(await kontextEdit(source));
    assert.equal(after.overallScore, before.overallScore + 10, 'a high-severity local defect is worth 10 points');
    assert.deepEqual(localIssues(after), []);
    assert.ok(!after.issues.some((issue) => issue.description === WARPED_LOGO.description));
    // The source, judged again, is still the source.
    assert.equal((await judged(source)).overallScore, before.overallScore);
  });

  it('judges an edit that damaged something else lower, with the damage as a new local issue', async () => {
    sim.setSettings({ edit: { fixChance: { falai: 0 }, damageRate: 1, damagePoints: 8 } });
    const source = await generated();
    const before = await judged(source);
    const after = await judged(await kontextEdit(source));
    assert.equal(after.overallScore, before.overallScore - 8);
    assertDamagedElsewhere(after);
  });

  it('keeps the judge\'s persistent error per asset and view on top of the edit\'s truth', async () => {
    sim.setSettings({ edit: { fixChance: { falai: 1 }, damageRate: 0 }, judge: { persistentSigma: 6, callSigma: 0 } });
    const source = await generated();
    const edited = await kontextEdit(source);
    const noisy = [await judged(edited), await judged(edited)].map((verdict) => verdict.overallScore);
    assert.equal(noisy[0], noisy[1], 'the same question gets the same persistent error');
    sim.setSettings({ judge: { persistentSigma: 0 } });
    const exactBefore = await judged(source);
    const exactAfter = await judged(edited);
    assert.equal(exactAfter.overallScore, exactBefore.overallScore + 10);
    assert.notEqual(noisy[0], exactAfter.overallScore, 'the noise applies to the edited asset too');
  });
});

describe('simulator: what an edit is worth to its own judge', () => {
  const global = { category: 'brand_compliance' as const, severity: 'medium' as const, description: 'Flat light' };
  const elsewhere = { x: 0.05, y: 0.7, w: 0.2, h: 0.2 };

  it('gives back the points of a local defect only when a fixed place covers it', () => {
    assert.equal(localDefectPoints([WARPED_LOGO, global]), 10, 'a global issue costs nothing here');
    assert.equal(editedTrueQuality(60, [WARPED_LOGO, global], { fixed: [WARPED_LOGO.region], missed: [] }, 8), 70);
    assert.equal(editedTrueQuality(60, [WARPED_LOGO], { fixed: [elsewhere], missed: [] }, 8), 60, 'fixing another place wins nothing');
    assert.equal(editedTrueQuality(60, [WARPED_LOGO], { fixed: [{ x: 0.41, y: 0.31, w: 0.2, h: 0.2 }], missed: [] }, 8), 70, 'rounded percentages still name it');
    assert.equal(editedTrueQuality(5, [], { fixed: [], missed: [], damaged: elsewhere }, 8), 0, 'kept within 0..100');
  });

  it('drops the fixed defect from the issues and adds the damage with its region', () => {
    assert.deepEqual(editedIssues([WARPED_LOGO, global], { fixed: [WARPED_LOGO.region], missed: [] }), [global]);
    const damaged = editedIssues([WARPED_LOGO], { fixed: [], missed: [WARPED_LOGO.region], damaged: elsewhere });
    assert.deepEqual(damaged.map((issue) => issue.region), [WARPED_LOGO.region, elsewhere]);
  });
});
