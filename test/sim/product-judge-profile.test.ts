import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClaudeClient } from '../../src/analysis/claude-client';
import { judgeWithClaude, type ClaudeJudgeOptions } from '../../src/analysis/claude-judge';
import { inspectAsset } from '../../src/analysis/inspect-asset';
import type { JudgeRequestInput } from '../../src/analysis/judge-prompt';
import type { SceneForAnalysis } from '../../src/domain/judging';
import { PROVIDER_QUALITY_PROFILE } from '../../src/sim/judge/quality-model';
import type { Simulator } from '../../src/sim/server';
import { call, sleep, startTestSimulator } from './sim-test-helpers';

const KEY = { 'x-api-key': 'test-key' };

/**
 * The provider profile end to end: a clip the simulator made for kling, checked and sampled by
 * the product's own analysis code, judged through the product's own prompt.
 */
describe('simulator: the provider profile through the product\'s analysis', function () {
  this.timeout(60_000);
  let sim: Simulator;
  let scratch: string;
  let clip: string;

  before(async () => {
    sim = await startTestSimulator({ settings: { providerProfile: true } });
    scratch = await mkdtemp(path.join(tmpdir(), 'sim-profile-'));
    const created = await call(`${sim.url}/api/v1/task`, {
      headers: KEY,
      json: {
        model: 'kling',
        task_type: 'video_generation',
        input: { prompt: 'A woman reading by a window, warm natural lighting', duration: 5, aspect_ratio: '16:9', version: '2.6', mode: 'std' },
      },
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const id = created.body.data.task_id as string;
    let url: string | undefined;
    for (let poll = 0; poll < 400 && url === undefined; poll++) {
      const data = (await call(`${sim.url}/api/v1/task/${id}`, { headers: KEY })).body.data;
      if (data.status === 'completed') url = data.output.video_url ?? data.output.video;
      else await sleep(50);
    }
    assert.ok(url, 'the clip was made');
    clip = path.join(scratch, 'clip.mp4');
    await writeFile(clip, Buffer.from(await (await fetch(url)).arrayBuffer()));
  });
  after(async () => {
    await sim.stop();
    await rm(scratch, { recursive: true, force: true });
  });

  it('scores the clip higher by exactly kling\'s offset for a person than for an unlisted content type', async () => {
    const inspection = await inspectAsset(clip, { kind: 'video', aspectRatio: '16:9', durationSeconds: 5 }, 4, 'standard');
    assert.deepEqual(inspection.findings, []);
    const options: ClaudeJudgeOptions = { client: createClaudeClient({ keys: {}, simUrl: sim.url }), model: 'claude-sonnet-4-6' };
    const input = (contentType: string): JudgeRequestInput => {
      const scene: SceneForAnalysis = {
        id: 1,
        sceneType: 'establishing',
        contentType,
        narration: 'Quiet mornings.',
        visualDirection: 'A woman reading by a window',
        duration: 5,
        aspectRatio: '16:9',
      };
      return {
        scene,
        prompt: 'A woman reading by a window, warm natural lighting',
        minScoreToPass: 70,
        media: inspection.media!,
        images: inspection.images,
      };
    };
    const person = (await judgeWithClaude(options, input('person'))).verdict.overallScore;
    const unlisted = (await judgeWithClaude(options, input('spaceship'))).verdict.overallScore;
    assert.equal(person - unlisted, PROVIDER_QUALITY_PROFILE.kling.person);
  });
});
