import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

export interface NpmProcess {
  child: ChildProcess;
  /** Everything written to stdout so far, one entry per non-empty line. */
  stdoutLines(): string[];
  /** stdout and stderr so far, for failure messages. */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL to npm and everything it started (they share the process group this gave them). */
  killAll(): void;
}

/**
 * `npm run <script>` exactly as the container runs it: bash as npm's script shell (Dockerfile),
 * so node replaces the shell and the SIGTERM npm forwards reaches it. Resolves once stdout
 * shows `readyText`.
 */
export async function startNpmScript(script: string, env: NodeJS.ProcessEnv, readyText: string): Promise<NpmProcess> {
  const child = spawn('npm', ['run', '--silent', script], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', npm_config_script_shell: '/bin/bash', npm_config_update_notifier: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  let all = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    all += chunk.toString();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    all += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const killAll = (): void => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) process.kill(-child.pid, 'SIGKILL');
  };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      killAll();
      reject(new Error(`npm run ${script} was not ready within 120 s:\n${all}`));
    }, 120_000);
    child.stdout!.on('data', () => {
      if (stdout.includes(readyText)) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`npm run ${script} exited (${code ?? signal}) before it was ready:\n${all}`));
    });
  });
  return {
    child,
    stdoutLines: () => stdout.split('\n').filter((line) => line.trim() !== ''),
    output: () => all,
    exited,
    killAll,
  };
}

/** Every stdout line is one JSON log entry with a numeric level and a message; returns the messages. */
export function jsonLogMessages(lines: string[]): string[] {
  return lines.map((line) => {
    let entry: { level?: unknown; msg?: unknown };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      throw new Error(`not a JSON log line: ${line}`);
    }
    if (typeof entry.level !== 'number' || typeof entry.msg !== 'string') throw new Error(`not a log entry: ${line}`);
    return entry.msg;
  });
}
