import { spawn } from 'node:child_process';

export interface ProcessOutput {
  stdout: Buffer;
  stderr: string;
  exitCode: number | null;
}

export interface RunOptions {
  /** ffmpeg on a damaged file can hang on a bad index; a deadline turns that into a finding. */
  timeoutMs?: number;
  /** Frames come back on stdout; anything larger than this is not a frame we asked for. */
  maxStdoutBytes?: number;
}

const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_MAX_STDOUT_BYTES = 64 * 1024 * 1024;
// Enough of ffmpeg's log for the detector lines and the reason it stopped; a long clip with
// per-frame warnings would otherwise grow without bound.
const MAX_STDERR_CHARS = 256 * 1024;

/** Runs ffmpeg or ffprobe without a shell; resolves whatever the exit code, rejects on spawn failure or deadline. */
export function runProcess(command: string, args: string[], options: RunOptions = {}): Promise<ProcessOutput> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxStdout = options.maxStdoutBytes ?? DEFAULT_MAX_STDOUT_BYTES;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let stdoutBytes = 0;
    let stderr = '';
    let failure: Error | undefined;

    const stop = (error: Error) => {
      failure ??= error;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => stop(new Error(`${command} did not finish within ${timeoutMs} ms`)), timeoutMs);

    child.stdout.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (stdoutBytes > maxStdout) return stop(new Error(`${command} wrote more than ${maxStdout} bytes`));
      chunks.push(chunk);
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      if (stderr.length < MAX_STDERR_CHARS) stderr += chunk;
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      if (failure) return reject(failure);
      resolve({ stdout: Buffer.concat(chunks), stderr, exitCode });
    });
  });
}

/** The last meaningful line ffmpeg printed: usually the reason it gave up. */
export function lastLine(stderr: string): string {
  const lines = stderr.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  return lines.length > 0 ? lines[lines.length - 1].slice(0, 300) : 'no output';
}

/**
 * ffmpeg input options for a file from our store: only the file protocol, and a `file:` prefix
 * so a path is never read as an option or another protocol (the same rules as src/media/probe.ts).
 */
export function localInput(path: string): string[] {
  return ['-protocol_whitelist', 'file', '-i', `file:${path}`];
}
