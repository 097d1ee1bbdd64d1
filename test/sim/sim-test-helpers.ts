import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ffprobePath } from '../../src/media/ffmpeg';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/sim/server';

/** One render cache for every simulator test, so each clip is made once per machine. */
export const TEST_MEDIA_DIR = path.join(tmpdir(), 'scene-regeneration-sim-tests');

export function startTestSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  return startSimulator({ dataDir: TEST_MEDIA_DIR, ...options });
}

export interface JsonResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test bodies are read loosely
export async function call<T = any>(
  url: string,
  init: { method?: string; headers?: Record<string, string>; json?: unknown } = {},
): Promise<JsonResponse<T>> {
  const headers: Record<string, string> = { ...(init.headers ?? {}) };
  if (init.json !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(url, {
    method: init.method ?? (init.json === undefined ? 'GET' : 'POST'),
    headers,
    body: init.json === undefined ? undefined : JSON.stringify(init.json),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: (text === '' ? undefined : JSON.parse(text)) as T };
}

export async function download(url: string): Promise<{ status: number; contentType: string | null; bytes: Buffer }> {
  const response = await fetch(url);
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    bytes: Buffer.from(await response.arrayBuffer()),
  };
}

export function isPng(bytes: Buffer): boolean {
  return bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
}

/** An MP4 starts with a box whose type is "ftyp". */
export function isMp4(bytes: Buffer): boolean {
  return bytes.subarray(4, 8).toString('latin1') === 'ftyp';
}

export async function probeVideo(file: string): Promise<{ duration: number; codec: string; width: number; height: number }> {
  const { stdout } = await promisify(execFile)(ffprobePath(), [
    '-v',
    'error',
    '-show_entries',
    'format=duration:stream=codec_name,width,height,pix_fmt',
    '-of',
    'json',
    file,
  ]);
  const parsed = JSON.parse(stdout) as {
    format: { duration: string };
    streams: { codec_name: string; width: number; height: number }[];
  };
  const stream = parsed.streams[0];
  return { duration: Number(parsed.format.duration), codec: stream.codec_name, width: stream.width, height: stream.height };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** fal's queue authorization, as the simulator takes it. */
export const FAL_AUTH = { authorization: 'Key test-key' };

/** A fal queue request's result once it is COMPLETED, polling its status as the client does. */
export async function falQueueResult(simUrl: string, app: string, id: string) {
  for (let poll = 0; poll < 200; poll++) {
    const status = await call(`${simUrl}/fal/queue/${app}/requests/${id}/status`, { headers: FAL_AUTH });
    if (status.body.status === 'COMPLETED') return (await call(`${simUrl}/fal/queue/${app}/requests/${id}`, { headers: FAL_AUTH })).body;
    await sleep(40);
  }
  throw new Error(`fal request ${id} did not complete`);
}

/** Runway's authorization and API version, as the simulator takes them. */
export const RUNWAY_HEADERS = { authorization: 'Bearer key_test', 'x-runway-version': '2024-11-06' };

/** A Runway task once it has left PENDING, THROTTLED and RUNNING, polling as the SDK does; fails after `polls` polls. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test bodies are read loosely
export async function runwayTaskSettled(simUrl: string, id: string, polls = 200): Promise<any> {
  for (let poll = 0; poll < polls; poll++) {
    const task = (await call(`${simUrl}/v1/tasks/${id}`, { headers: RUNWAY_HEADERS })).body;
    if (!['PENDING', 'THROTTLED', 'RUNNING'].includes(task.status)) return task;
    await sleep(50);
  }
  throw new Error(`task ${id} did not settle`);
}
