import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { temporalCliPath } from '../../src/temporal/temporal-cli';
import { shellLine, type RunbookCommand } from './runbook-commands';

const run = promisify(execFile);
const REPO_ROOT = path.resolve(__dirname, '../..');

/**
 * Runs a runbook command the way a person would: its printed line, in bash, from the
 * repository root, with `temporal` on PATH and the server in TEMPORAL_ADDRESS. A quoting
 * mistake in the printed text fails here, not in an operator's terminal.
 */
export async function runInShell(address: string, command: RunbookCommand, extraFlags = ''): Promise<string> {
  if (extraFlags && command.pipeTo) throw new Error('Extra flags go on the temporal command, not after a pipe');
  const line = extraFlags ? `${shellLine(command)} ${extraFlags}` : shellLine(command);
  const { stdout } = await run('bash', ['-o', 'pipefail', '-c', line], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: address,
      TEMPORAL_NAMESPACE: 'default',
      PATH: `${path.dirname(temporalCliPath())}${path.delimiter}${process.env.PATH ?? ''}`,
    },
  });
  return stdout;
}

/** The same command with `--output json`, parsed; `workflow list` prints one document a line. */
export async function runJson<T>(address: string, command: RunbookCommand): Promise<T> {
  const text = (await runInShell(address, command, '--output json')).trim();
  if (text === '') return [] as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    return text.split('\n').map((line) => JSON.parse(line) as unknown) as T;
  }
}
