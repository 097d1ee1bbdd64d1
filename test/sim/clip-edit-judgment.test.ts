import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { extractFrames, frameTimes } from '../../src/analysis/frames';
import type { JudgeVerdict } from '../../src/analysis/judge-verdict';
import type { Simulator } from '../../src/sim/server';
import { ANTHROPIC_HEADERS, analysisRequest, assertDamagedElsewhere, localIssues, WARPED_LOGO } from './judge-helpers';
import { call, download, RUNWAY_HEADERS, runwayTaskSettled, startTestSimulator } from './sim-test-helpers';

const DIRECTION = 'A ceramic mug with a printed logo turning slowly on a wooden table, warm light';
const PROMPT = `${DIRECTION}, soft morning sun`;
const SECONDS = 5;
const INSTRUCTION =
  'Fix only these defects: 1. The logo on the mug is warped (in the area 40%-60% across and 30%-50% down the frame). Change nothing else: keep the subject, framing, camera motion, timing, lighting and colours exactly as they are.';

describe('simulator: its own judge sees what a clip edit fixed and damaged', function () {
  this.timeout(180_000);
  let sim: Simulator;
  before(async () => {
    sim = await startTestSimulator();
  });
  after(() => sim.stop());
  const scenarios = async (json: unknown) => {
    const response = await call(`${sim.url}/_sim/scenarios`, { json });
    assert.equal(response.status, 200, JSON.stringify(response.body));
  };
  beforeEach(async () => {
    sim.reset();
    // The defect is local and scripted; the score is the judge's own (no rule scripts it).
    await scenarios([{ match: 'printed logo', issues: [WARPED_LOGO] }]);
  });

  const settings = async (json: unknown) => {
    const response = await call(`${sim.url}/_sim/settings`, { json });
    assert.equal(response.status, 200, JSON.stringify(response.body));
  };
  const runwayOutput = async (id: string): Promise<Buffer> => {
    const task = await runwayTaskSettled(sim.url, id, 600);
    assert.equal(task.status, 'SUCCEEDED', JSON.stringify(task));
    return (await download(task.output[0])).bytes;
  };
  const generated = async (seconds = SECONDS): Promise<Buffer> => {
    const created = await call(`${sim.url}/v1/text_to_video`, { headers: RUNWAY_HEADERS, json: { model: 'gen4.5', promptText: PROMPT, ratio: '1280:720', duration: seconds } });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    return runwayOutput(created.body.id);
  };
  const videoToVideo = async (clip: Buffer): Promise<Buffer> => {
    const videoUri = `data:video/mp4;base64,${clip.toString('base64')}`;
    const submitted = await call(`${sim.url}/v1/video_to_video`, { headers: RUNWAY_HEADERS, json: { model: 'aleph2', videoUri, promptText: INSTRUCTION } });
    assert.equal(submitted.status, 200, JSON.stringify(submitted.body));
    return runwayOutput(submitted.body.id);
  };
  /**
   * Judged as the product judges a clip: frames extracted by its own function (JPEG, resized for
   * the model) at its sample times, `shift` moving them as another view does, all in one request.
   */
  const judged = async (clip: Buffer, options: { count?: number; shift?: number; seconds?: number } = {}): Promise<JudgeVerdict> => {
    const scratch = path.join(tmpdir(), `clip-judgment-${randomUUID()}.mp4`);
    await writeFile(scratch, clip);
    let frames;
    try {
      frames = await extractFrames(scratch, frameTimes(options.seconds ?? SECONDS, options.count ?? 4, options.shift ?? 0), 'standard');
    } finally {
      await rm(scratch, { force: true });
    }
    const request = analysisRequest({ visualDirection: DIRECTION, prompt: PROMPT, frames: frames.map((frame) => frame.image.data.toString('base64')) }) as {
      messages: { content: { type: string; source?: { media_type: string } }[] }[];
    };
    for (const block of request.messages[0].content) if (block.source) block.source.media_type = frames[0].image.mediaType;
    const response = await call(`${sim.url}/v1/messages`, { headers: ANTHROPIC_HEADERS, json: request });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return (response.body.content as { type: string; input: JudgeVerdict }[]).find((block) => block.type === 'tool_use')!.input;
  };

  it('judges a video_to_video edit that fixed the named defect higher by its points, the defect gone, from any frames', async () => {
    await settings({ edit: { fixChance: { runway: 1 }, damageRate: 0 } });
    const source = await generated();
    const before = await judged(source);
    assert.deepEqual(localIssues(before), [WARPED_LOGO]);

    const edited = await videoToVideo(source);
    const after = await judged(edited);
    assert.equal(after.overallScore, before.overallScore + 10, 'a high-severity local defect is worth 10 points');
    assert.deepEqual(localIssues(after), []);
    assert.ok(!after.issues.some((issue) => issue.description === WARPED_LOGO.description));
    // Another view's frames (other moments, another count) show the same edit.
    const otherView = await judged(edited, { count: 6, shift: 0.3 });
    assert.deepEqual(localIssues(otherView), []);
    assert.ok(otherView.overallScore > before.overallScore, `${otherView.overallScore} against the source's ${before.overallScore}`);
    // The source, judged again, is still the source.
    const again = await judged(source);
    assert.equal(again.overallScore, before.overallScore);
    assert.deepEqual(localIssues(again), [WARPED_LOGO]);
  });

  it('judges a clip edit that damaged something else lower, with the damage as a new local issue', async () => {
    await settings({ edit: { fixChance: { runway: 0 }, damageRate: 1, damagePoints: 8 } });
    const source = await generated();
    const before = await judged(source);
    const after = await judged(await videoToVideo(source));
    assert.equal(after.overallScore, before.overallScore - 8);
    assertDamagedElsewhere(after);
  });

  it('builds the edit on its source clip\'s truth as judged before, not on its own reading', async () => {
    await settings({ edit: { fixChance: { runway: 1 }, damageRate: 0 } });
    const source = await generated();
    const own = await judged(source);
    // The source is judged at a scripted score, its truth; the edit, judged with no score scripted,
    // is worth that truth plus the fixed defect's points, whatever the judge's own reading.
    const scriptedScore = own.overallScore > 50 ? own.overallScore - 25 : own.overallScore + 25;
    await scenarios([{ match: 'printed logo', issues: [WARPED_LOGO], scores: [scriptedScore] }]);
    assert.equal((await judged(source, { count: 3, shift: -0.2 })).overallScore, scriptedScore);
    const edited = await videoToVideo(source);
    await scenarios([{ match: 'printed logo', issues: [WARPED_LOGO] }]);
    assert.equal((await judged(edited)).overallScore, scriptedScore + 10);
  });

  it('judges a clip that is not an edit as before, edits of other clips notwithstanding', async () => {
    // No damage: the edit differs from its source only where it fixed the logo, so the other
    // clip's frames (the same pictures as some of the source's) are near the edit's too.
    await settings({ edit: { fixChance: { runway: 1 }, damageRate: 0 } });
    const other = await generated(3);
    const before = await judged(other, { seconds: 3 });
    assert.deepEqual(localIssues(before), [WARPED_LOGO]);
    // An edit of a clip of the same scene, recorded and judged.
    const source = await generated();
    await judged(source);
    const edit = await judged(await videoToVideo(source));
    assert.deepEqual(localIssues(edit), [], 'the edit is recognised');
    const after = await judged(other, { seconds: 3 });
    assert.equal(after.overallScore, before.overallScore);
    assert.deepEqual(after.issues, before.issues);
  });

  it('edits a clip it cannot decode from the instruction alone, recording nothing', async () => {
    const videoUri = `data:video/mp4;base64,${Buffer.from('not a clip at all').toString('base64')}`;
    const submitted = await call(`${sim.url}/v1/video_to_video`, { headers: RUNWAY_HEADERS, json: { model: 'aleph2', videoUri, promptText: INSTRUCTION } });
    assert.equal(submitted.status, 200, JSON.stringify(submitted.body));
    const edited = await runwayOutput(submitted.body.id);
    assert.ok(edited.length > 0);
  });
});
