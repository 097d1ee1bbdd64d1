import assert from 'node:assert/strict';
import { workflowBundle } from '../helpers/workflow-bundle';

describe('the workflow bundle', function () {
  this.timeout(120_000);

  // Each cached workflow evaluates its own copy of every module in the bundle: a schema library
  // there costs megabytes per round waiting for a reviewer.
  it('carries no schema library and none of the edge modules', async () => {
    const { code } = await workflowBundle();
    for (const unwanted of ['node_modules/zod/', 'src/domain/judge.ts', 'src/config.ts']) {
      assert.ok(!code.includes(unwanted), `the bundle includes ${unwanted}`);
    }
    assert.ok(code.includes('src/domain/input-checks.ts'), 'the workflows check their input with the pure checks');
  });
});
