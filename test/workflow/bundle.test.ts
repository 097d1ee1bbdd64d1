import assert from 'node:assert/strict';
import { workflowBundle } from '../helpers/workflow-bundle';

/**
 * What runs in Temporal's sandbox: the workflows and the pure layers under them. Every cached
 * workflow evaluates its own copy of every module the bundle holds, so a schema library or an
 * edge module there costs memory per round waiting for a reviewer, and I/O there breaks replay.
 * eslint.config.mjs applies the sandbox's rules to these same folders.
 */
const SANDBOX_FOLDERS = ['workflows/', 'src/domain/', 'src/rules/', 'src/catalog/'];
const SANDBOX_PACKAGES = ['@temporalio/common', '@temporalio/workflow', 'long', 'ms', 'nexus-rpc'];

/** The modules the bundle holds, by their path in this repository or their package. */
async function bundledModules(): Promise<{ own: string[]; packages: string[] }> {
  const { code } = await workflowBundle();
  const paths = new Set<string>();
  for (const match of code.matchAll(/"\.\/((?:workflows|src|node_modules)\/[^"]+?)"/g)) paths.add(match[1]);
  const own = [...paths].filter((p) => !p.startsWith('node_modules/'));
  const packages = [...paths].filter((p) => p.startsWith('node_modules/')).map((p) => p.split('/').slice(1, p.split('/')[1].startsWith('@') ? 3 : 2).join('/'));
  return { own, packages: [...new Set(packages)] };
}

describe('the workflow bundle', function () {
  this.timeout(120_000);

  it('holds only the workflows and the pure layers (domain, rules, catalog)', async () => {
    const { own } = await bundledModules();
    assert.ok(own.includes('workflows/regenerate-scene.ts') && own.includes('src/domain/input-checks.ts'), own.join(', '));
    const outside = own.filter((file) => !SANDBOX_FOLDERS.some((folder) => file.startsWith(folder)));
    assert.deepEqual(outside, [], `modules outside ${SANDBOX_FOLDERS.join(', ')}`);
  });

  it('carries no schema library, no config and none of the edge modules', async () => {
    const { packages, own } = await bundledModules();
    assert.deepEqual(packages.filter((p) => !SANDBOX_PACKAGES.includes(p)), [], 'packages beyond the SDK');
    for (const unwanted of ['src/config.ts', 'src/analysis/judge-verdict.ts', 'src/rules/attempt-plan.ts']) {
      assert.ok(!own.includes(unwanted), `the bundle includes ${unwanted}`);
    }
  });
});
