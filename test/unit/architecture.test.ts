import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.join(__dirname, '../..');

/** The folders table of docs/architecture.md: each folder and the folders it may import. */
function documentedLayers(): Map<string, string[]> {
  const doc = readFileSync(path.join(ROOT, 'docs/architecture.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## Folders'), doc.indexOf('\n## ', doc.indexOf('## Folders') + 5));
  const layers = new Map<string, string[]>();
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    const folder = /^`([^`]+)`$/.exec(cells[1] ?? '')?.[1];
    if (folder === undefined) continue;
    layers.set(folder, [...(cells[3] ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1]));
  }
  return layers;
}

/** The documented folder a file belongs to: the longest name that is it or contains it. */
function layerOf(file: string, layers: Map<string, string[]>): string | undefined {
  return [...layers.keys()].filter((layer) => file === layer || file.startsWith(`${layer}/`)).sort((a, b) => b.length - a.length)[0];
}

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'dist' || entry.name === 'node_modules' ? [] : sourceFiles(relative);
    return /\.tsx?$/.test(entry.name) ? [relative] : [];
  });
}

/** Every relative import of a file: the file it names (extension dropped) and whether it is type-only. */
function importsOf(file: string): { target: string; typeOnly: boolean }[] {
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  return [...text.matchAll(/^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+['"](\.{1,2}\/[^'"]+)['"]/gm)].map((m) => ({
    target: path.posix.normalize(path.posix.join(path.posix.dirname(file), m[3])),
    typeOnly: m[2] !== undefined,
  }));
}

/** What an import names, as a repository path with its extension (`src/config` is `src/config.ts`). */
function resolved(target: string): string {
  for (const candidate of [`${target}.ts`, `${target}.tsx`, `${target}/index.ts`]) {
    if (existsSync(path.join(ROOT, candidate))) return candidate;
  }
  return target;
}

describe('docs/architecture.md is the map the code follows', () => {
  const layers = documentedLayers();

  it('names every folder and entry file that exists, and nothing that does not', () => {
    assert.ok(layers.size >= 20, `rows read: ${[...layers.keys()].join(', ')}`);
    for (const [folder, allowed] of layers) {
      assert.ok(existsSync(path.join(ROOT, folder)), `${folder} is in the map but not in the repository`);
      for (const below of allowed) assert.ok(layers.has(below), `${folder} may import ${below}, which has no row`);
    }
    const topLevel = readdirSync(path.join(ROOT, 'src')).map((name) => `src/${name}`);
    for (const entry of topLevel.filter((p) => statSync(path.join(ROOT, p)).isDirectory() || p.endsWith('.ts'))) {
      assert.ok(layers.has(entry), `${entry} exists but the map does not name it`);
    }
  });

  it('every import of the product runs down the map', () => {
    const files = ['worker.ts', 'client.ts', ...sourceFiles('workflows'), ...sourceFiles('activities'), ...sourceFiles('src')];
    const wrong: string[] = [];
    for (const file of files) {
      const from = layerOf(file, layers);
      assert.ok(from !== undefined, `${file} is in no folder of the map`);
      for (const { target, typeOnly } of importsOf(file)) {
        const to = layerOf(resolved(target), layers);
        if (to === undefined || to === from) continue;
        // The Temporal samples' pattern: workflows are typed by the activities' own factories.
        if (from === 'workflows' && to === 'activities' && typeOnly) continue;
        if (!layers.get(from)!.includes(to)) wrong.push(`${file} imports ${resolved(target)} (${from} may not import ${to})`);
      }
    }
    assert.deepEqual(wrong, []);
  });
});
