import { readdir } from 'node:fs/promises';
import path from 'node:path';

/** Every file under `dir`, relative and sorted, so a test sees stray staging files too. */
export async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
}
