import assert from 'node:assert/strict';
import { inspectAsset } from '../../src/analysis/inspect-asset';
import {
  checkShape,
  parseAspectRatio,
  technicalFailureAnalysis,
  type TechnicalCheck,
  type TechnicalExpectation,
} from '../../src/analysis/technical-checks';
import { parseDetectorLog, videoScanFindings } from '../../src/analysis/video-scan';
import { acquireMediaFixtures, releaseMediaFixtures, type MediaFixtures } from './media-fixtures';

const video16x9: TechnicalExpectation = { kind: 'video', aspectRatio: '16:9', durationSeconds: 3 };
const image16x9: TechnicalExpectation = { kind: 'image', aspectRatio: '16:9', durationSeconds: 0 };

function checksOf(findings: { check: TechnicalCheck }[]): TechnicalCheck[] {
  return findings.map((finding) => finding.check).sort();
}

describe('technical checks on real files', function () {
  let media: MediaFixtures;
  before(async function () {
    this.timeout(60_000);
    media = await acquireMediaFixtures();
  });
  after(() => releaseMediaFixtures());

  it('passes a moving 16:9 clip and hands the configured number of frames to the model', async () => {
    const inspection = await inspectAsset(media.goodClip, video16x9, 4, 'standard');
    assert.deepEqual(inspection.findings, []);
    assert.equal(inspection.images.length, 4);
    assert.deepEqual(
      inspection.images.map((frame) => frame.timeSeconds),
      [0.375, 1.125, 1.875, 2.625],
    );
    assert.equal(inspection.media?.kind, 'video');
    assert.equal(inspection.media?.width, 640);
  });

  it('fails a black clip as black without extracting frames', async () => {
    const inspection = await inspectAsset(media.blackClip, video16x9, 4, 'standard');
    assert.ok(checksOf(inspection.findings).includes('black'), JSON.stringify(inspection.findings));
    assert.equal(inspection.images.length, 0);
    assert.ok(inspection.findings.every((finding) => finding.severity === 'critical'));
  });

  it('fails a still looped into a clip as frozen', async () => {
    const inspection = await inspectAsset(media.frozenClip, video16x9, 4, 'standard');
    assert.deepEqual(checksOf(inspection.findings), ['frozen']);
    assert.match(inspection.findings[0].description, /frozen for 100 %/);
  });

  it('fails a portrait image for a 16:9 scene on its aspect ratio', async () => {
    const inspection = await inspectAsset(media.portraitImage, image16x9, 4, 'standard');
    assert.deepEqual(checksOf(inspection.findings), ['aspect']);
    assert.match(inspection.findings[0].description, /576×1024.*16:9/);
  });

  it('accepts the same portrait image for a 9:16 scene', async () => {
    const inspection = await inspectAsset(media.portraitImage, { ...image16x9, aspectRatio: '9:16' }, 4, 'standard');
    assert.deepEqual(inspection.findings, []);
    assert.equal(inspection.images.length, 1);
  });

  it('fails random bytes named .mp4 as not decoding', async () => {
    const inspection = await inspectAsset(media.corruptClip, video16x9, 4, 'standard');
    assert.deepEqual(checksOf(inspection.findings), ['decode']);
    assert.equal(inspection.media, undefined);
  });

  it('fails a truncated PNG whose header still reads', async () => {
    const inspection = await inspectAsset(media.truncatedImage, image16x9, 4, 'standard');
    assert.deepEqual(checksOf(inspection.findings), ['decode']);
  });

  it('fails black and blank stills', async () => {
    assert.deepEqual(checksOf((await inspectAsset(media.blackImage, image16x9, 4, 'standard')).findings), ['black']);
    assert.deepEqual(checksOf((await inspectAsset(media.whiteImage, image16x9, 4, 'standard')).findings), ['blank']);
  });

  it('fails a still where the scene needs a clip, and a clip too short for the scene', async () => {
    assert.deepEqual(checksOf((await inspectAsset(media.goodImage, video16x9, 4, 'standard')).findings), ['kind']);
    const short = await inspectAsset(media.goodClip, { ...video16x9, durationSeconds: 10 }, 4, 'standard');
    assert.deepEqual(checksOf(short.findings), ['duration']);
  });
});

describe('technical check rules', () => {
  it('reads the aspect notations people write', () => {
    assert.equal(parseAspectRatio('16:9'), 16 / 9);
    assert.equal(parseAspectRatio('1280:720'), 16 / 9);
    assert.equal(parseAspectRatio('9/16'), 9 / 16);
    assert.equal(parseAspectRatio('4x3'), 4 / 3);
    assert.equal(parseAspectRatio('1.85'), 1.85);
    assert.equal(parseAspectRatio('wide'), undefined);
    assert.equal(parseAspectRatio('16:0'), undefined);
  });

  it('tolerates provider rounding of sizes but not a different shape', () => {
    const at = (width: number, height: number) => checkShape({ kind: 'image', width, height }, image16x9);
    assert.deepEqual(at(1360, 752), []);
    assert.deepEqual(checksOf(at(1024, 768)), ['aspect']);
    assert.deepEqual(checksOf(at(320, 180)), ['resolution']);
  });

  it('sums black runs and runs an unfinished freeze to the end of the clip', () => {
    const log = [
      '[blackdetect @ 0x1] black_start:0 black_end:0.5 black_duration:0.5',
      '[freezedetect @ 0x2] lavfi.freezedetect.freeze_start: 1',
      '[freezedetect @ 0x2] lavfi.freezedetect.freeze_duration: 1',
      '[freezedetect @ 0x2] lavfi.freezedetect.freeze_end: 2',
      '[blackdetect @ 0x1] black_start:4 black_end:4.5 black_duration:0.5',
      '[freezedetect @ 0x2] lavfi.freezedetect.freeze_start: 7',
    ].join('\n');
    assert.deepEqual(parseDetectorLog(log, 10), { blackSeconds: 1, frozenSeconds: 4 });
  });

  it('lets a short fade through and fails a fifth of the clip in black', () => {
    assert.deepEqual(videoScanFindings({ blackSeconds: 0.5, frozenSeconds: 0 }, 5), []);
    assert.deepEqual(checksOf(videoScanFindings({ blackSeconds: 1, frozenSeconds: 0 }, 5)), ['black']);
    assert.deepEqual(checksOf(videoScanFindings({ blackSeconds: 0, frozenSeconds: 2.4 }, 5)), []);
    assert.deepEqual(checksOf(videoScanFindings({ blackSeconds: 0, frozenSeconds: 2.5 }, 5)), ['frozen']);
  });

  it('turns findings into a low-scored technical analysis', () => {
    const critical = technicalFailureAnalysis([{ check: 'black', severity: 'critical', description: 'black' }]);
    assert.equal(critical.recommendation, 'critical_fail');
    assert.ok(critical.overallScore < 30);
    assert.deepEqual(critical.issues, [{ category: 'technical', severity: 'critical', description: 'black' }]);
    const high = technicalFailureAnalysis([{ check: 'aspect', severity: 'high', description: 'portrait' }]);
    assert.equal(high.recommendation, 'regenerate');
    assert.ok(high.overallScore > critical.overallScore && high.overallScore < 30);
  });
});
