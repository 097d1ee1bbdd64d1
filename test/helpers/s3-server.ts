import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AppConfig, S3AssetStoreConfig } from '../../src/config';
import { versitygwPath } from '../../src/stack/versitygw-path';
import { S3AssetStore } from '../../src/storage/s3-asset-store';
import { freePort } from '../../src/temporal/dev-server';

export const S3_ACCESS_KEY = 'test-access-key';
export const S3_SECRET_KEY = 'test-secret-key-0123456789';

export interface S3TestServer {
  /** http://127.0.0.1:<port> */
  endpoint: string;
  bucket: string;
  /** The folder versitygw serves; the bucket is the folder of its name inside. */
  dir: string;
  /** The settings a worker or web server process needs to use this server, under `prefix`. */
  env(prefix?: string): Record<string, string>;
  /** The same as loadConfig makes of env(prefix). */
  storeConfig(prefix?: string): S3AssetStoreConfig;
  /** A store on this server, staging into `scratchDir`. */
  store(scratchDir: string, prefix?: string): S3AssetStore;
  /** Stops the server, keeping its files (a test may start it again on the same port). */
  stop(): Promise<void>;
  /** Starts it again after stop, on the same port and folder. */
  restart(): Promise<void>;
  /** Stops the server and deletes its files. */
  close(): Promise<void>;
}

/**
 * A real S3-compatible server for a test: versitygw over a fresh temporary folder (its posix
 * backend: a bucket is a folder, an object a file), on a free loopback port, with one bucket.
 */
export async function startS3Server(options: { bucket?: string } = {}): Promise<S3TestServer> {
  const binary = versitygwPath();
  const bucket = options.bucket ?? 'assets';
  const dir = mkdtempSync(path.join(os.tmpdir(), 'versitygw-'));
  mkdirSync(path.join(dir, bucket));
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let output = '';

  const start = async (): Promise<void> => {
    output = '';
    const started = spawn(binary, ['--port', `127.0.0.1:${port}`, '--quiet', 'posix', dir], {
      env: { ...process.env, ROOT_ACCESS_KEY: S3_ACCESS_KEY, ROOT_SECRET_KEY: S3_SECRET_KEY },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = started;
    started.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    started.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitUntilAnswering(endpoint, started, () => output);
  };
  const stop = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGTERM');
    });
  };

  const storeConfig = (prefix = ''): S3AssetStoreConfig => ({
    kind: 's3',
    bucket,
    prefix,
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: S3_ACCESS_KEY, secretAccessKey: S3_SECRET_KEY },
  });

  try {
    await start();
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    endpoint,
    bucket,
    dir,
    env: (prefix = '') => ({
      ASSET_STORE: `s3://${bucket}${prefix ? `/${prefix}` : ''}`,
      S3_ENDPOINT: endpoint,
      S3_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: S3_ACCESS_KEY,
      AWS_SECRET_ACCESS_KEY: S3_SECRET_KEY,
    }),
    storeConfig,
    store: (scratchDir, prefix = '') =>
      new S3AssetStore({ ...storeConfig(prefix), publicUrl: 'http://localhost:3000', scratchDir }),
    stop,
    restart: start,
    close: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** What a config built for this server looks like, for code that takes AppConfig fields. */
export function s3Settings(server: S3TestServer, scratchDir: string, prefix = ''): Pick<AppConfig, 'assetStore' | 'publicUrl' | 'scratchDir'> {
  return { assetStore: server.storeConfig(prefix), publicUrl: 'http://localhost:3000', scratchDir };
}

async function waitUntilAnswering(endpoint: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));
  while (Date.now() < deadline) {
    if (exited !== undefined) throw new Error(`versitygw exited with ${exited} before answering:\n${output()}`);
    try {
      // Any HTTP answer (an unsigned request gets 403) means it listens.
      await fetch(endpoint, { signal: AbortSignal.timeout(1_000) });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  child.kill('SIGKILL');
  throw new Error(`versitygw did not answer at ${endpoint} within 30 s:\n${output()}`);
}
