import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';

const ROOT = path.join(__dirname, '../..');

/** One edit of a source file: `from` must be found, and becomes `to`. */
export interface SourceEdit {
  file: string;
  from: string;
  to: string;
}

/**
 * Another build of the workflow code: a copy of what the bundle holds (the workflows and the pure
 * layers under them) with the given edits, bundled as a worker would bundle it. The edits are
 * checked, so a test never passes on a change that did not happen.
 */
export async function changedBuild(edits: readonly SourceEdit[]): Promise<WorkflowBundleWithSourceMap> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'changed-build-'));
  try {
    for (const folder of ['workflows', 'src/domain', 'src/rules', 'src/catalog']) {
      cpSync(path.join(ROOT, folder), path.join(dir, folder), { recursive: true });
    }
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
    for (const edit of edits) {
      const file = path.join(dir, edit.file);
      const source = readFileSync(file, 'utf8');
      assert.ok(source.includes(edit.from), `${edit.file} has the text the edit replaces: ${edit.from}`);
      writeFileSync(file, source.split(edit.from).join(edit.to));
    }
    return await bundleWorkflowCode({ workflowsPath: path.join(dir, 'workflows'), logger: quiet });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const noop = (): void => undefined;
const quiet = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop };
