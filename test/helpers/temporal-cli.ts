import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { temporalCliPath } from '../../src/temporal/temporal-cli';
import { testServer } from './temporal';

const run = promisify(execFile);

/** Runs the real `temporal` CLI against the test server and parses its JSON output. */
export async function temporalCli(args: string[]): Promise<unknown> {
  const { address } = await testServer();
  const { stdout } = await run(temporalCliPath(), [...args, '--address', address, '--output', 'json'], {
    encoding: 'utf8',
  });
  const text = stdout.trim();
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    // `workflow list` prints one JSON document per line.
    return text.split('\n').map((line) => JSON.parse(line) as unknown);
  }
}
