import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

export interface Ended {
  code: number | null;
  output: string;
}

/** Runs an entry point the way its npm script does (ts-node) until it exits by itself. */
export function runUntilExit(entry: string, env: NodeJS.ProcessEnv, timeoutMs = 120_000): Promise<Ended> {
  const child = spawn(process.execPath, [require.resolve('ts-node/dist/bin.js'), entry], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', METRICS_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${entry} did not exit within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/**
 * The lines a process printed, without the AWS SDK's multi-line notice that Node 20 will not get
 * its updates after January 2027 (a process warning, not ours).
 */
export function ownLines(output: string): string[] {
  const withoutNotice = output.replace(/\(node:\d+\) Warning: NodeVersionSupportWarning:[\s\S]*?\(Use `node --trace-warnings[^\n]*\n?/, '');
  return withoutNotice.split('\n').filter((line) => line.trim() !== '');
}

/** The one line a process that refused to start printed: its message, whether JSON or plain. */
export function theOneLine(ended: Ended): string {
  const lines = ownLines(ended.output);
  assert.equal(lines.length, 1, `one line, not:\n${ended.output}`);
  const line = lines[0];
  return line.startsWith('{') ? String((JSON.parse(line) as { msg: string }).msg) : line;
}

