import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

export interface LoggedProcess {
  child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far, from its first byte. */
  output(): string;
}

/**
 * A TypeScript entry point of this project (`worker.ts`, `src/web/main.ts`) run the way its npm
 * script runs it, in a process of its own, keeping every byte it prints (a test can search the
 * logs, or show them when a run goes wrong). Resolves once `readyText` appears in the output.
 */
export async function startLoggedProcess(
  entry: string,
  env: NodeJS.ProcessEnv,
  readyText: string,
  startTimeoutMs = 180_000,
): Promise<LoggedProcess> {
  const child = spawn(process.execPath, [require.resolve('ts-node/dist/bin.js'), entry], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const chunks: Buffer[] = [];
  const output = (): string => Buffer.concat(chunks).toString('utf8');
  child.stdout!.on('data', (chunk: Buffer) => chunks.push(chunk));
  child.stderr!.on('data', (chunk: Buffer) => chunks.push(chunk));

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${entry} did not start within ${startTimeoutMs} ms:\n${output()}`));
    }, startTimeoutMs);
    const check = (): void => {
      if (output().includes(readyText)) {
        finish();
        resolve();
      }
    };
    const onExit = (code: number | null): void => {
      finish();
      reject(new Error(`${entry} exited with ${code} before starting:\n${output()}`));
    };
    const finish = (): void => {
      clearTimeout(timer);
      child.stdout!.off('data', check);
      child.stderr!.off('data', check);
      child.off('exit', onExit);
    };
    child.stdout!.on('data', check);
    child.stderr!.on('data', check);
    child.once('exit', onExit);
  });
  return { child, output };
}

/** `npm run worker`, logging. */
export function startLoggedWorker(env: NodeJS.ProcessEnv, startTimeoutMs?: number): Promise<LoggedProcess> {
  return startLoggedProcess('worker.ts', env, 'worker started', startTimeoutMs);
}
