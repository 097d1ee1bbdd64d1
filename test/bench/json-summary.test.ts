import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = path.resolve(__dirname, '../..');

/** The benchmark's last line of stdout with --json, parsed (it exits 1 when a target is missed). */
async function summaryOf(bench: string, ...flags: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await run(process.execPath, ['-r', 'ts-node/register', path.join(root, 'bench', bench), '--json', ...flags], {
    cwd: root,
    maxBuffer: 16 * 1024 * 1024,
  }).catch((error: { stdout?: string; code?: number }) => {
    if (error.code !== 1 || error.stdout === undefined) throw error;
    return { stdout: error.stdout };
  });
  const lines = stdout.trimEnd().split('\n');
  return JSON.parse(lines[lines.length - 1]) as Record<string, unknown>;
}

function assertNumbers(summary: Record<string, unknown>, names: readonly string[]): void {
  for (const name of names) assert.equal(typeof summary[name], 'number', `${name} in ${Object.keys(summary).join(', ')}`);
}

describe('bench: --json ends with one object under the names CONTRACT.md gives', function () {
  this.timeout(120_000);

  it('quality: its settings and the eight figures', async () => {
    const summary = await summaryOf('quality.ts', '--seeds', '1', '--scenes', '40', '--seed', '3');
    assert.equal(summary.bench, 'quality');
    assert.equal(summary.seed, 3);
    assert.equal(summary.seeds, 1);
    assertNumbers(summary, [
      'wrongCallsRatio',
      'wrongBy3Ratio',
      'judgingCostIncrease',
      'bestPickGainPoints',
      'costPerPassRatio',
      'worstContentTypePassDelta',
      'calibrationMaxError',
      'budgetOverruns',
    ]);
    assert.ok(Array.isArray(summary.figures));
  });

  it('repair and candidates: their figures', async () => {
    assertNumbers(await summaryOf('repair.ts'), ['costPerPassRatio', 'passDelta', 'repairDamageRate']);
    assertNumbers(await summaryOf('candidates.ts'), ['passWithinOneAttemptTimeRatio', 'generationCostRatio']);
  });
});
