import { fork } from 'node:child_process';
import { bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';

/**
 * Bundles the workflows with webpack in a short-lived child process and hands the code back.
 * Bundling inside the worker would leave webpack's heap resident in a process that runs for
 * weeks; a child gives all of it back on exit.
 */
export function bundleWorkflowsApart(workflowsPath: string): Promise<WorkflowBundle> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, [BUNDLE_FLAG, workflowsPath], {
      // Run from TypeScript (ts-node) or from compiled JavaScript, like the parent.
      execArgv: __filename.endsWith('.ts') ? ['-r', 'ts-node/register'] : [],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let bundle: WorkflowBundle | undefined;
    child.once('message', (message: WorkflowBundle) => (bundle = message));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (bundle) resolve(bundle);
      else reject(new Error(`Bundling the workflows failed (exit code ${code})`));
    });
  });
}

const BUNDLE_FLAG = '--bundle-workflows';

/** webpack's statistics are noise in a worker's or a build's output; its warnings are not. */
export const QUIET_BUNDLER_LOGGER = { trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error, log() {} };

if (require.main === module && process.argv[2] === BUNDLE_FLAG) {
  bundleWorkflowCode({ workflowsPath: process.argv[3], logger: QUIET_BUNDLER_LOGGER }).then(
    ({ code }) => process.send!({ code } satisfies WorkflowBundle, () => process.exit(0)),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}

