/**
 * Image tokens per analysis, resized for the model vs. sent as the original, for a 4K still and
 * a 1080p clip judged from ANALYSIS_VIDEO_FRAMES frames (default 4). Tokens are Anthropic's
 * estimate, width × height / 750 per image sent. Run: npx ts-node bench/analysis-tokens.ts
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { extractFrames, frameTimes } from '../src/analysis/frames';
import { runProcess } from '../src/analysis/run-process';
import { resizeForModel, type ModelImage } from '../src/analysis/resize-for-model';
import { CLAUDE_IMAGE_TIERS, claudeImageTokens, claudeModel, type ImageTier } from '../src/catalog/limits/anthropic';
import { loadConfig } from '../src/config';
import { ffmpegPath } from '../src/media/ffmpeg';
import { report } from './support/result';

interface Row {
  asset: string;
  images: number;
  originalSize: string;
  sentSize: string;
  originalTokens: number;
  sentTokens: number;
  sentKiB: number;
}

async function main(): Promise<void> {
  const config = loadConfig();
  const frameCount = config.analysisVideoFrames;
  const tier: ImageTier = claudeModel(config.anthropicModel)?.imageTier ?? 'standard';
  // The model shrinks anything larger itself: tokens beyond this per picture buy no detail.
  const maxTokensPerImage = CLAUDE_IMAGE_TIERS[tier].maxImageTokens;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'analysis-tokens-'));
  try {
    const still = path.join(dir, 'still-4k.png');
    const clip = path.join(dir, 'clip-1080p.mp4');
    await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=3840x2160:rate=1', '-frames:v', '1', still]);
    await ffmpeg([
      '-f', 'lavfi', '-i', 'testsrc2=size=1920x1080:rate=24:duration=5',
      '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', clip,
    ]);

    const stillImage = await resizeForModel(still, tier);
    const frames = await extractFrames(clip, frameTimes(5, frameCount), tier);
    const rows = [row(tier, '4K still', [stillImage]), row(tier, `1080p clip, ${frameCount} frames`, frames.map((frame) => frame.image))];

    console.log(`Image tokens per analysis on ${config.anthropicModel} (${tier} image tier)\n`);
    console.table(
      rows.map((r) => ({
        asset: r.asset,
        images: r.images,
        'original size': r.originalSize,
        'tokens if sent as original': r.originalTokens,
        'sent size': r.sentSize,
        'tokens sent': r.sentTokens,
        'saved': `${Math.round((1 - r.sentTokens / r.originalTokens) * 100)} %`,
        'original / sent': (r.originalTokens / r.sentTokens).toFixed(2),
        'payload KiB': r.sentKiB,
      })),
    );
    for (const r of rows) {
      report({
        bench: 'tokens',
        name: `image tokens per analysis, ${r.asset}`,
        value: r.sentTokens,
        unit: 'tokens',
        reference: { name: 'sent as the original', value: r.originalTokens, unit: 'tokens' },
        ratio: r.sentTokens / r.originalTokens,
        target: `≤ ${maxTokensPerImage * r.images} (${maxTokensPerImage} a picture, Claude's own limit)`,
        met: r.sentTokens <= maxTokensPerImage * r.images,
        limitedBy: 'images sent larger than Claude uses',
      });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function row(tier: ImageTier, asset: string, images: ModelImage[]): Row {
  const [first] = images;
  return {
    asset,
    images: images.length,
    originalSize: `${first.originalWidth}×${first.originalHeight}`,
    sentSize: `${first.width}×${first.height}`,
    originalTokens: sum(images.map((image) => claudeImageTokens(tier, image.originalWidth, image.originalHeight))),
    sentTokens: sum(images.map((image) => claudeImageTokens(tier, image.width, image.height))),
    sentKiB: Math.round(sum(images.map((image) => image.data.length)) / 1024),
  };
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

async function ffmpeg(args: string[]): Promise<void> {
  const result = await runProcess(ffmpegPath(), ['-hide_banner', '-v', 'error', '-y', ...args]);
  if (result.exitCode !== 0) throw new Error(`ffmpeg failed: ${result.stderr}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
