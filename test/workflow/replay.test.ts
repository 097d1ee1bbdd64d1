import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { changedBuild } from '../helpers/changed-build';
import { workflowBundle } from '../helpers/workflow-bundle';

const dir = path.join(__dirname, '../fixtures/histories');

/**
 * The tables a round's decisions read, edited as a price list or a provider's new limits would
 * edit them: every generation price ten times over, deadlines halved, the judge's token estimate
 * doubled. The round reads what they decide (provider, budget) from its steps' results in
 * history, so a recorded round replays on the edited build as on the old one.
 */
const EDITED_TABLES = [
  { file: 'src/catalog/prices.ts', from: 'perSecondUsd: 0.04', to: 'perSecondUsd: 0.4' },
  { file: 'src/catalog/prices.ts', from: 'perItemUsd: 0.0015', to: 'perItemUsd: 0.015' },
  { file: 'src/catalog/prices.ts', from: 'perItemUsd: 0.003', to: 'perItemUsd: 0.03' },
  { file: 'src/rules/budget.ts', from: 'input: 8_000, output: 800', to: 'input: 16_000, output: 1_600' },
  { file: 'src/rules/generation-wait.ts', from: 'kling: { video: 15 * MINUTE_MS', to: 'kling: { video: 7 * MINUTE_MS' },
];

describe('determinism: recorded histories replay against the current workflow code', function () {
  this.timeout(180_000);

  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  const kinds = ['passes', 'approved', 'regenerates', 'pairwise', 'cancelled', 'budget-stop', 'timed-out', 'continued-as-new'];

  it('has every kind of round to replay', () => {
    for (const kind of kinds) assert.ok(files.some((file) => file.includes(kind)), `no recorded history of a round that ${kind}: ${files.join(', ')}`);
  });

  const replayAll = async (bundle: WorkflowBundleWithSourceMap) => {
    for (const file of files) {
      const history = historyFromJSON(JSON.parse(readFileSync(path.join(dir, file), 'utf8')));
      await Worker.runReplayHistory({ workflowBundle: bundle }, history, file);
    }
  };

  for (const file of files) {
    it(`replays ${file} without a determinism violation`, async () => {
      const history = historyFromJSON(JSON.parse(readFileSync(path.join(dir, file), 'utf8')));
      await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, file);
    });
  }

  it('every recorded round replays after the price, deadline and estimate tables are edited', async () => {
    await replayAll(await changedBuild(EDITED_TABLES));
  });
});
