/**
 * Part of `npm run build`: bundles the workflows once, so the compiled worker loads the file
 * instead of running webpack when it starts (src/worker/workflow-bundle.ts).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { QUIET_BUNDLER_LOGGER } from '../src/worker/bundle-apart';
import { PREBUILT_WORKFLOW_BUNDLE } from '../src/worker/workflow-bundle';

async function main(): Promise<void> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../workflows'),
    logger: QUIET_BUNDLER_LOGGER,
    // Positions only: stack traces still map to the sources, but the worker does not hold every
    // bundled module's text twice (the map is inline, and the worker parses it).
    webpackConfigHook: (config) => ({ ...config, devtool: 'inline-nosources-source-map' }),
  });
  await mkdir(path.dirname(PREBUILT_WORKFLOW_BUNDLE), { recursive: true });
  await writeFile(PREBUILT_WORKFLOW_BUNDLE, code);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
