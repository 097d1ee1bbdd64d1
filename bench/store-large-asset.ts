/**
 * How much memory the worker needs to store a 1 GB asset, in each store: streams a gigabyte of
 * real (padded) MP4 from a loopback server in another process through storeAsset, once into the
 * local directory and once into the S3-compatible object store (versitygw, multipart upload),
 * each measured in a fresh process of its own that samples its RSS, and prints both growths
 * against the 100 MB target. Run: `npx ts-node bench/store-large-asset.ts`. Exits 1 when a
 * target is missed.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createOutputStorer } from '../activities/store-output';
import type { S3AssetStoreConfig } from '../src/config';
import type { AssetStore } from '../src/storage/asset-store';
import { LocalAssetStore } from '../src/storage/local-asset-store';
import { S3AssetStore } from '../src/storage/s3-asset-store';
import { startS3Server, type S3TestServer } from '../test/helpers/s3-server';
import { makeMp4 } from '../test/storage/media-fixtures';
import { report } from './support/result';

const MB = 1024 * 1024;
const SIZE_BYTES = 1024 * MB;
const TARGET_MB = 100;

type StoreKind = 'local' | 's3';

/** What the parent tells a measuring child: where the asset is served and which store to use. */
interface ChildJob {
  kind: StoreKind;
  assetPort: number;
  dir: string;
  s3?: S3AssetStoreConfig;
}

interface Measured {
  kind: StoreKind;
  sizeBytes: number;
  mediaType: string;
  width?: number;
  height?: number;
  seconds: number;
  baselineMb: number;
  peakMb: number;
}

async function startAssetServer(mp4Path: string): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(path.join(__dirname, 'large-asset-server.ts'), [mp4Path, String(SIZE_BYTES)], {
    execArgv: ['-r', 'ts-node/register'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message: { port: number }) => resolve(message.port));
    child.once('exit', (code) => reject(new Error(`Server exited with ${code}`)));
  });
  return { child, port };
}

/** The worker's side, in a process of its own so one store's memory cannot colour the other's. */
async function measure(job: ChildJob): Promise<Measured> {
  const store: AssetStore =
    job.kind === 'local'
      ? new LocalAssetStore({ rootDir: path.join(job.dir, 'assets'), publicUrl: 'http://localhost:3000' })
      : new S3AssetStore({ ...job.s3!, publicUrl: 'http://localhost:3000', scratchDir: path.join(job.dir, 'scratch') });
  const storeAsset = createOutputStorer({ store, maxAssetBytes: SIZE_BYTES + MB, allowLoopback: true });
  const request = (bytes: number) => ({
    url: `http://127.0.0.1:${job.assetPort}/asset.mp4?bytes=${bytes}`,
    sceneId: 1,
    expectedKind: 'video' as const,
  });

  // A small run first (a multipart one for S3), so module loading and first-use allocations are in the baseline.
  await storeAsset(request(12 * MB));
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const started = process.hrtime.bigint();
  const ref = await storeAsset(request(SIZE_BYTES));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  return {
    kind: job.kind,
    sizeBytes: ref.sizeBytes,
    mediaType: ref.mediaType,
    width: ref.width,
    height: ref.height,
    seconds,
    baselineMb: baseline / MB,
    peakMb: peak / MB,
  };
}

function runChild(job: ChildJob): Promise<Measured> {
  const child = fork(__filename, ['--child'], { execArgv: ['-r', 'ts-node/register'] });
  return new Promise((resolve, reject) => {
    child.once('message', (message: { result?: Measured; error?: string }) => {
      if (message.result) resolve(message.result);
      else reject(new Error(message.error));
      child.disconnect();
    });
    child.once('exit', (code) => reject(new Error(`measuring child exited with ${code}`)));
    child.send(job);
  });
}

function print(result: Measured): number {
  const growthMb = result.peakMb - result.baselineMb;
  const label = result.kind === 'local' ? 'local directory' : 'S3 object store (versitygw)';
  console.log(
    `[${label}] stored ${(result.sizeBytes / MB).toFixed(0)} MB (${result.mediaType} ${result.width}x${result.height}) ` +
      `in ${result.seconds.toFixed(1)} s, ${(result.sizeBytes / MB / result.seconds).toFixed(0)} MB/s`,
  );
  console.log(`[${label}] RSS baseline ${result.baselineMb.toFixed(1)} MB, peak ${result.peakMb.toFixed(1)} MB`);
  return growthMb;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-store-'));
  const mp4Path = path.join(dir, 'clip.mp4');
  await writeFile(mp4Path, await makeMp4(320, 180, 2));
  const { child, port } = await startAssetServer(mp4Path);
  let s3: S3TestServer | undefined;
  try {
    const local = await runChild({ kind: 'local', assetPort: port, dir: await mkdtemp(path.join(dir, 'local-')) });
    // Each child deletes its files when done, so the object store's run starts with the disk freed.
    s3 = await startS3Server();
    const remote = await runChild({ kind: 's3', assetPort: port, dir: await mkdtemp(path.join(os.tmpdir(), 'bench-s3-')), s3: s3.storeConfig('bench') });

    const localGrowth = print(local);
    const s3Growth = print(remote);
    const localMet = localGrowth < TARGET_MB;
    const s3Met = s3Growth < TARGET_MB;
    console.log(`worker memory growth, local directory: ${localGrowth.toFixed(1)} MB (target < ${TARGET_MB} MB): ${localMet ? 'met' : 'NOT met'}`);
    console.log(`worker memory growth, S3 object store: ${s3Growth.toFixed(1)} MB (target < ${TARGET_MB} MB): ${s3Met ? 'met' : 'NOT met'}`);
    report({
      bench: 'large-asset',
      name: `worker memory growth storing a ${(local.sizeBytes / MB).toFixed(0)} MB asset in the local directory`,
      value: localGrowth,
      unit: 'MB',
      reference: { name: 'the asset', value: local.sizeBytes / MB, unit: 'MB' },
      ratio: localGrowth / (local.sizeBytes / MB),
      target: `< ${TARGET_MB} MB`,
      met: localMet,
      limitedBy: 'bytes held in memory while streaming',
    });
    report({
      bench: 'large-asset',
      name: `worker memory growth storing a ${(remote.sizeBytes / MB).toFixed(0)} MB asset in the S3 object store`,
      value: s3Growth,
      unit: 'MB',
      reference: { name: 'the local directory, same run', value: localGrowth, unit: 'MB' },
      ratio: s3Growth / Math.max(localGrowth, 1),
      target: `< ${TARGET_MB} MB`,
      met: s3Met,
      limitedBy: 'multipart parts held in memory while uploading (part size × queue size)',
      notes: [`${remote.seconds.toFixed(1)} s to download, stage and upload; local directory ${local.seconds.toFixed(1)} s`],
    });
    process.exitCode = localMet && s3Met ? 0 : 1;
  } finally {
    child.disconnect();
    await s3?.close();
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv.includes('--child')) {
  process.once('message', (job: ChildJob) => {
    measure(job).then(
      async (result) => {
        await rm(job.dir, { recursive: true, force: true });
        process.send?.({ result });
      },
      (error: unknown) => process.send?.({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
    );
  });
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
