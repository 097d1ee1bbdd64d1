import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { readPreference } from '../../src/analysis/claude-compare';
import { FIRST_ASSET_LABEL, SECOND_ASSET_LABEL } from '../../src/analysis/pairwise-prompt';
import type { CompareAssetsRequest, CompareAssetsResult } from '../../src/domain/judging';
import type { AssetRef } from '../../src/domain/asset';
import { FailureType } from '../../src/domain/failures';
import { promptLook } from '../../src/sim/media/prompt-look';
import { renderStillPng } from '../../src/sim/media/render-image';
import { startSimulator, type Simulator } from '../../src/sim/server';
import { decideBest } from '../../src/rules/best-pick';
import {
  expectFailure,
  fileAsset,
  judgeConfig,
  quietActivityEnvironment,
  recordedAnalysisActivities,
  scene,
  type ContentBlock,
  type RecordedRequest,
} from './judge-test-kit';
import { acquireMediaFixtures, releaseMediaFixtures, type MediaFixtures } from './media-fixtures';

/** The images of each asset in one recorded pairwise request, by the labels of the wire format. */
function shownAssets(request: RecordedRequest): { first: string[]; second: string[]; text: string } {
  const blocks: ContentBlock[] = request.messages.flatMap((message) => message.content);
  const labels = blocks.map((block) => (block.type === 'text' ? block.text : undefined));
  const firstAt = labels.indexOf(FIRST_ASSET_LABEL);
  const secondAt = labels.indexOf(SECOND_ASSET_LABEL);
  const images = (from: number, to: number) =>
    blocks.slice(from + 1, to).map((block) => {
      assert.equal(block.type, 'image', 'only image blocks follow an asset label');
      return block.type === 'image' ? block.source.data : '';
    });
  assert.ok(firstAt > 0 && secondAt > firstAt, 'scene text, then First asset:, then Second asset:');
  assert.equal(blocks[0].type, 'text');
  return { first: images(firstAt, secondAt), second: images(secondAt, blocks.length), text: blocks[0].type === 'text' ? blocks[0].text : '' };
}

/** compareAssets end to end: real files, real ffmpeg, the real SDK against the simulator. */
describe('compareAssets activity', function () {
  this.timeout(60_000);
  let sim: Simulator;
  let media: MediaFixtures;
  let dir: string;
  let good: string;
  let poor: string;
  let requests: RecordedRequest[];
  let compare: (request: CompareAssetsRequest) => Promise<CompareAssetsResult>;

  const FRAMES = 3;
  const DIRECTION = 'A woman reading by a window';
  const asset = (file: string, mediaType = 'image/png'): AssetRef => fileAsset(file, mediaType);
  const imageScene = () => scene({ visualDirection: DIRECTION, contentType: 'person', duration: 0 });

  before(async function () {
    this.timeout(120_000);
    media = await acquireMediaFixtures();
    sim = await startSimulator();
    dir = await mkdtemp(path.join(os.tmpdir(), 'compare-assets-'));
    // The simulator's looks: a warm, sharp picture is truly better than a cold, blurry one.
    good = path.join(dir, 'good.png');
    poor = path.join(dir, 'poor.png');
    await writeFile(good, await renderStillPng(promptLook(`${DIRECTION}, warm golden natural lighting, sharp focus, highly detailed`), 1024, 576));
    await writeFile(poor, await renderStillPng(promptLook(`${DIRECTION}, cold blue light, blurry`), 1024, 576));
  });
  after(async () => {
    await sim.stop();
    await releaseMediaFixtures();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    sim.reset();
    const recorded = recordedAnalysisActivities(judgeConfig(sim.url, FRAMES));
    requests = recorded.requests;
    compare = (request) => quietActivityEnvironment().run(recorded.activities.compareAssets, request);
  });

  it('asks once per order for a structured preference, no forced tool, the assets swapped in the second', async () => {
    const result = await compare({ scene: imageScene(), first: asset(good), second: asset(poor) });
    assert.equal(requests.length, 2);
    for (const request of requests) {
      assert.equal(request.tool_choice, undefined);
      assert.equal(request.tools, undefined);
      assert.equal(request.output_config?.format.type, 'json_schema');
      assert.deepEqual(request.output_config?.format.schema.required, ['preferred', 'reason']);
      assert.equal(request.output_config?.format.schema.additionalProperties, false);
    }
    const [inOrder, swapped] = requests.map(shownAssets);
    assert.match(inOrder.text, /"visualDirection": "A woman reading by a window"/);
    assert.equal(inOrder.first.length, 1);
    assert.equal(inOrder.second.length, 1);
    assert.notEqual(inOrder.first[0], inOrder.second[0]);
    assert.deepEqual(swapped.first, inOrder.second);
    assert.deepEqual(swapped.second, inOrder.first);
    // Each answer as shown: the good asset is first in the first request and second in the other.
    assert.deepEqual(result.answers, ['first', 'second']);
    assert.ok(result.costUsd > 0, 'both requests are paid for');
    assert.equal(result.usage?.imagesSent, 4);
    assert.ok((result.usage?.inputTokens ?? 0) > 0);
    // Read as decideBest reads it: the good asset wins in both orders.
    const best = decideBest([{ attemptNumber: 2, score: 60 }, { attemptNumber: 1, score: 58 }], 5, result.answers);
    assert.deepEqual([best.attemptNumber, best.reason], [2, 'pairwise']);
  });

  it('the better asset shown second is preferred in both orders all the same', async () => {
    const result = await compare({ scene: imageScene(), first: asset(poor), second: asset(good) });
    assert.deepEqual(result.answers, ['second', 'first']);
    const best = decideBest([{ attemptNumber: 2, score: 60 }, { attemptNumber: 1, score: 58 }], 5, result.answers);
    assert.deepEqual([best.attemptNumber, best.reason], [1, 'pairwise']);
  });

  it('an answer for whichever is shown first, whatever the assets, reads as a split', async () => {
    sim.setScenarios([{ match: 'woman reading', pairwise: 'first' }]);
    const result = await compare({ scene: imageScene(), first: asset(poor), second: asset(good) });
    assert.deepEqual(result.answers, ['first', 'first']);
    assert.equal(decideBest([{ attemptNumber: 2, score: 60 }, { attemptNumber: 1, score: 58 }], 5, result.answers).reason, 'pairwise_split');
  });

  it('shows a video clip as its frames', async () => {
    const clip = asset(media.goodClip, 'video/mp4');
    await compare({ scene: scene({ visualDirection: DIRECTION, duration: 3 }), first: clip, second: clip });
    const [inOrder] = requests.map(shownAssets);
    assert.equal(inOrder.first.length, FRAMES);
    assert.equal(inOrder.second.length, FRAMES);
    assert.match(inOrder.text, /video clip, shown as 3 and 3 frames/);
  });

  it('an asset that fails the technical checks cannot be compared: unusable, Claude not asked', async () => {
    await expectFailure(compare({ scene: imageScene(), first: asset(media.blackImage), second: asset(good) }), FailureType.analysisUnusable);
    assert.equal(requests.length, 0);
  });
});

describe('reading a pairwise answer', () => {
  const answer = (value: unknown) => ({
    stop_reason: 'end_turn' as const,
    content: [{ type: 'text' as const, text: JSON.stringify(value), citations: null }],
  });
  it('accepts first, second and tie', () => {
    for (const preferred of ['first', 'second', 'tie'] as const) {
      assert.deepEqual(readPreference(answer({ preferred, reason: 'sharper' })), { preferred });
    }
  });
  it('names what is wrong with an unusable answer', () => {
    assert.match(JSON.stringify(readPreference(answer({ preferred: 'both', reason: 'x' }))), /did not match its schema/);
    assert.match(JSON.stringify(readPreference({ stop_reason: 'refusal', content: [] })), /declined/);
    assert.match(JSON.stringify(readPreference({ stop_reason: 'max_tokens', content: [] })), /cut off/);
    assert.match(JSON.stringify(readPreference({ stop_reason: 'end_turn', content: [] })), /not one JSON object/);
  });
});
