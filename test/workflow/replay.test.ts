import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { workflowBundle } from '../helpers/workflow-bundle';

const dir = path.join(__dirname, '../fixtures/histories');

describe('determinism: recorded histories replay against the current workflow code', function () {
  this.timeout(120_000);

  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

  it('has at least a passing round and an escalation with decisions to replay', () => {
    assert.ok(files.length >= 2, `histories found: ${files.join(', ')}`);
  });

  for (const file of files) {
    it(`replays ${file} without a determinism violation`, async () => {
      const history = historyFromJSON(JSON.parse(readFileSync(path.join(dir, file), 'utf8')));
      await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, file);
    });
  }
});
