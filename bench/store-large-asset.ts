/**
 * How much memory the worker needs to store a 1 GB asset: streams a gigabyte of real (padded)
 * MP4 from a loopback server in another process through storeAsset, samples this process's RSS,
 * and prints the growth against the 100 MB target. Run: `npx ts-node bench/store-large-asset.ts`.
 * Exits 1 when the target is missed.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createFetchActivities } from '../activities/fetch';
import { LocalAssetStore } from '../src/storage/local-asset-store';
import { makeMp4 } from '../test/storage/media-fixtures';
import { report } from './support/result';

const MB = 1024 * 1024;
const SIZE_BYTES = 1024 * MB;
const TARGET_MB = 100;

async function startServer(mp4Path: string): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(path.join(__dirname, 'large-asset-server.ts'), [mp4Path, String(SIZE_BYTES)], {
    execArgv: ['-r', 'ts-node/register'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message: { port: number }) => resolve(message.port));
    child.once('exit', (code) => reject(new Error(`Server exited with ${code}`)));
  });
  return { child, port };
}

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-store-'));
  const mp4Path = path.join(dir, 'clip.mp4');
  await writeFile(mp4Path, await makeMp4(320, 180, 2));
  const { child, port } = await startServer(mp4Path);
  try {
    const store = new LocalAssetStore({ rootDir: path.join(dir, 'assets'), publicUrl: 'http://localhost:3000' });
    const { storeAsset } = createFetchActivities({ store, maxAssetBytes: SIZE_BYTES + MB, allowLoopback: true });
    const request = (bytes: number) => ({ url: `http://127.0.0.1:${port}/asset.mp4?bytes=${bytes}`, sceneId: 1, expectedKind: 'video' as const });

    // A small run first, so module loading and first-use allocations are in the baseline.
    await storeAsset(request(2 * MB));
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    const started = process.hrtime.bigint();
    const ref = await storeAsset(request(SIZE_BYTES));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);

    const growthMb = (peak - baseline) / MB;
    const met = growthMb < TARGET_MB;
    console.log(`stored ${(ref.sizeBytes / MB).toFixed(0)} MB (${ref.mediaType} ${ref.width}x${ref.height}) in ${seconds.toFixed(1)} s, ${(ref.sizeBytes / MB / seconds).toFixed(0)} MB/s`);
    console.log(`RSS baseline ${(baseline / MB).toFixed(1)} MB, peak ${(peak / MB).toFixed(1)} MB`);
    console.log(`worker memory growth: ${growthMb.toFixed(1)} MB (target < ${TARGET_MB} MB): ${met ? 'met' : 'NOT met'}`);
    report({
      bench: 'large-asset',
      name: `worker memory growth storing a ${(ref.sizeBytes / MB).toFixed(0)} MB asset`,
      value: growthMb,
      unit: 'MB',
      reference: { name: 'the asset', value: ref.sizeBytes / MB, unit: 'MB' },
      ratio: growthMb / (ref.sizeBytes / MB),
      target: `< ${TARGET_MB} MB`,
      met,
      limitedBy: 'bytes held in memory while streaming',
    });
    process.exitCode = met ? 0 : 1;
  } finally {
    child.disconnect();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
