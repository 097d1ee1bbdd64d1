import { existsSync } from 'node:fs';
import path from 'node:path';
import type { WorkflowBundleOption } from '@temporalio/worker';
import { PROJECT_ROOT } from '../project-root';
import { bundleWorkflowsApart } from './bundle-apart';

/** Where `npm run build` writes the workflow bundle (scripts/build-workflow-bundle.ts). */
export const PREBUILT_WORKFLOW_BUNDLE = path.join(PROJECT_ROOT, 'dist', 'workflow-bundle.js');

/**
 * Compiled code takes the bundle `npm run build` made beside it, so a production worker runs no
 * webpack at all. From TypeScript the sources may have changed since any build, so they are
 * bundled afresh, as is compiled code that has no bundle.
 */
export async function loadWorkflowBundle(): Promise<WorkflowBundleOption> {
  if (!__filename.endsWith('.ts') && existsSync(PREBUILT_WORKFLOW_BUNDLE)) {
    return { codePath: PREBUILT_WORKFLOW_BUNDLE };
  }
  return bundleWorkflowsApart(require.resolve('../../workflows'));
}
