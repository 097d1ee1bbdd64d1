import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const README_SCREENSHOTS = path.resolve(__dirname, '../../docs/screenshots');

/**
 * Where a test saves a screenshot. The README's pictures (docs/screenshots/) are replaced only
 * with UPDATE_SCREENSHOTS=1, so an ordinary test run leaves the checkout as it found it.
 */
export function screenshotPath(name: string): string {
  const directory =
    process.env.UPDATE_SCREENSHOTS === '1' ? README_SCREENSHOTS : path.join(os.tmpdir(), 'scene-regeneration-screenshots');
  mkdirSync(directory, { recursive: true });
  return path.join(directory, name);
}
