import assert from 'node:assert/strict';
import { register } from 'prom-client';
import sharp from 'sharp';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { createAnalysisActivities, readThroughStore } from '../../activities/analysis';
import { LocalAssetStore } from '../../src/storage/local-asset-store';
import { createClaudeClient } from '../../src/analysis/claude-client';
import { MODEL_IMAGE_LIMITS } from '../../src/analysis/resize-for-model';
import { DEFAULT_MODEL_PRICES, type AppConfig } from '../../src/config';
import type { AnalyzeAssetRequest } from '../../src/domain/activity-types';
import type { AssetRef } from '../../src/domain/asset';
import { FailureType } from '../../src/domain/failures';
import { startSimulator, type Simulator } from '../../src/sim/server';
import {
  expectFailure,
  imageBlocks,
  quietActivityEnvironment,
  recordingFetch,
  scene,
  userText,
  type RecordedRequest,
} from './judge-test-kit';
import { acquireMediaFixtures, releaseMediaFixtures, type MediaFixtures } from './media-fixtures';

async function analysesCounted(outcome: string): Promise<number> {
  const metric = register.getSingleMetric('scene_analysis_total');
  const values = metric ? (await metric.get()).values : [];
  return values.find((value) => value.labels.outcome === outcome)?.value ?? 0;
}

/** analyzeAsset end to end: real files, real ffmpeg, the real SDK against the simulator. */
describe('analyzeAsset activity', function () {
  let sim: Simulator;
  let media: MediaFixtures;
  let requests: RecordedRequest[];
  let analyze: (request: AnalyzeAssetRequest) => Promise<Awaited<ReturnType<ReturnType<typeof createAnalysisActivities>['analyzeAsset']>>>;

  const FRAMES = 3;
  const config = (): Pick<AppConfig, 'anthropicModel' | 'modelPrices' | 'keys' | 'simUrl' | 'analysisVideoFrames'> => ({
    anthropicModel: 'claude-sonnet-4-6',
    modelPrices: DEFAULT_MODEL_PRICES,
    keys: {},
    simUrl: sim.url,
    analysisVideoFrames: FRAMES,
  });
  // The store's key is the file name here; readAsset is the seam to the real store.
  const asset = (path: string, mediaType: string): AssetRef => ({
    url: `http://localhost/assets/${path}`,
    key: path,
    sha256: 'test',
    sizeBytes: 1,
    mediaType,
  });

  before(async function () {
    this.timeout(60_000);
    media = await acquireMediaFixtures();
    sim = await startSimulator();
  });
  after(async () => {
    await sim.stop();
    await releaseMediaFixtures();
  });
  beforeEach(() => {
    sim.reset();
    const recorder = recordingFetch();
    requests = recorder.requests;
    const activities = createAnalysisActivities({
      config: config(),
      anthropic: createClaudeClient(config(), recorder.fetch),
      readAsset: async (ref) => ({ path: ref.key, release: async () => undefined }),
    });
    analyze = (request) => quietActivityEnvironment().run(activities.analyzeAsset, request);
  });

  it('judges a passing image: one resized image, score, category scores, usage and cost', async () => {
    sim.setScenarios([{ match: 'linen curtains', scores: [84] }]);
    const result = await analyze({
      asset: asset(media.goodImage, 'image/png'),
      scene: scene({ visualDirection: 'Linen curtains moving in a warm breeze' }),
      prompt: 'Linen curtains moving in a warm breeze',
      minScoreToPass: 70,
    });
    assert.equal(result.modelSkipped, false);
    assert.equal(result.analysis.overallScore, 84);
    assert.equal(result.analysis.recommendation, 'approve');
    assert.equal(Object.keys(result.analysis.categoryScores ?? {}).length, 5);
    assert.ok(result.analysis.improvedPrompt);
    assert.equal(result.usage?.imagesSent, 1);
    assert.ok(result.costUsd > 0);
    const images = imageBlocks(requests[0]);
    assert.equal(images.length, 1);
    const sent = await sharp(Buffer.from(images[0].type === 'image' ? images[0].source.data : '', 'base64')).metadata();
    assert.ok((sent.width ?? 0) <= MODEL_IMAGE_LIMITS.maxLongEdgePx);
  });

  it('judges a failing clip from the configured number of frames, with their times in the text', async () => {
    const issues = [{ category: 'brand_compliance' as const, severity: 'high' as const, description: 'Cold clinical lighting' }];
    sim.setScenarios([{ match: 'test pattern parade', scores: [41], issues }]);
    const result = await analyze({
      asset: asset(media.goodClip, 'video/mp4'),
      scene: scene({ visualDirection: 'A test pattern parade', duration: 3 }),
      prompt: 'A test pattern parade',
      minScoreToPass: 70,
    });
    assert.equal(result.analysis.overallScore, 41);
    assert.equal(result.analysis.recommendation, 'regenerate');
    assert.deepEqual(result.analysis.issues, issues);
    assert.equal(result.usage?.imagesSent, FRAMES);
    assert.equal(requests.length, 1);
    assert.equal(imageBlocks(requests[0]).length, FRAMES);
    const text = userText(requests[0]);
    assert.match(text, /taken at 0\.50 s, 1\.50 s, 2\.50 s/);
    assert.match(text, /Frame 1 of 3, at 0\.50 s of 3\.00 s/);
  });

  it('fails a black clip on the technical checks without asking Claude, and counts the saving', async () => {
    const skippedBefore = await analysesCounted('technical_fail');
    const result = await analyze({
      asset: asset(media.blackClip, 'video/mp4'),
      scene: scene({ duration: 3 }),
      prompt: 'anything',
      minScoreToPass: 70,
    });
    assert.equal(result.modelSkipped, true);
    assert.equal(result.costUsd, 0);
    assert.equal(result.usage, undefined);
    assert.ok(result.analysis.overallScore < 30);
    assert.ok(result.analysis.issues.every((issue) => issue.category === 'technical'));
    assert.equal(sim.calls().analyses, 0);
    assert.equal(await analysesCounted('technical_fail'), skippedBefore + 1);
  });

  it('fails a corrupt file on the technical checks', async () => {
    const result = await analyze({
      asset: asset(media.corruptClip, 'video/mp4'),
      scene: scene({ duration: 3 }),
      prompt: 'anything',
      minScoreToPass: 70,
    });
    assert.equal(result.modelSkipped, true);
    assert.match(result.analysis.issues[0].description, /does not decode/);
  });

  it('fails as asset_gone when the store no longer has the file', async () => {
    const failure = await expectFailure(
      analyze({ asset: asset('/nonexistent/gone.png', 'image/png'), scene: scene(), prompt: 'x', minScoreToPass: 70 }),
      FailureType.assetGone,
    );
    assert.equal(failure.nonRetryable, true);
  });

  it('fails as auth when neither a key nor the simulator is configured, after the checks pass', async () => {
    const activities = createAnalysisActivities({
      config: { ...config(), simUrl: undefined },
      readAsset: async (ref) => ({ path: ref.key, release: async () => undefined }),
    });
    const failure = await expectFailure(
      quietActivityEnvironment().run(activities.analyzeAsset, {
        asset: asset(media.goodImage, 'image/png'),
        scene: scene(),
        prompt: 'x',
        minScoreToPass: 70,
      }),
      FailureType.auth,
    );
    assert.match(failure.message, /ANTHROPIC_API_KEY/);
  });
});

describe('readThroughStore', () => {
  it("gives a local store's own file and releases nothing", async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'read-through-'));
    try {
      const store = new LocalAssetStore({ rootDir: root, publicUrl: 'http://localhost:3000' });
      const stored = await store.put(Readable.from([Buffer.from('bytes')]), 'png');
      const read = readThroughStore(store, path.join(root, 'scratch'));
      const file = await read({ url: stored.url, key: stored.key, sha256: stored.sha256, sizeBytes: 5, mediaType: 'image/png' });
      assert.equal(file.path, store.localPath(stored.key));
      await file.release();
      assert.equal(readFileSync(file.path, 'utf8'), 'bytes');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
