import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const SIM = path.join(ROOT, 'src/sim');

/**
 * What the simulator may read of the product: the shared types, the providers' and Claude's
 * published limits, the verdict wire schemas, the media tools and the configuration. Never the
 * product's rules, prompts, workflows or activities: a simulator that shared the product's
 * rules would agree with them by construction.
 */
const ALLOWED = ['src/domain/', 'src/catalog/', 'src/analysis/judge-verdict.ts', 'src/analysis/pairwise-verdict.ts', 'src/media/', 'src/config.ts', 'src/sim/'];

function sourceFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const full = path.join(directory, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return full.endsWith('.ts') ? [full] : [];
  });
}

/** Every module specifier in the file: static imports and re-exports, dynamic imports, requires. */
function specifiers(source: string): string[] {
  const found: string[] = [];
  for (const pattern of [/\bfrom\s+['"]([^'"]+)['"]/g, /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g, /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g, /^\s*import\s+['"]([^'"]+)['"]/gm]) {
    for (const match of source.matchAll(pattern)) found.push(match[1]);
  }
  return found;
}

function resolveTarget(file: string, specifier: string): string {
  const target = path.relative(ROOT, path.resolve(path.dirname(file), specifier));
  return target.endsWith('.ts') ? target : `${target}.ts`;
}

describe('simulator: imports nothing of the product\'s rules', () => {
  it('reads only the domain, catalog, verdict schemas, media tools, configuration and itself', () => {
    const files = sourceFiles(SIM);
    assert.ok(files.length > 30, `found ${files.length} files under src/sim`);
    const offenders: string[] = [];
    for (const file of files) {
      for (const specifier of specifiers(readFileSync(file, 'utf8'))) {
        if (!specifier.startsWith('.')) continue;
        const target = resolveTarget(file, specifier);
        if (!ALLOWED.some((allowed) => target === allowed || target.startsWith(allowed))) {
          offenders.push(`${path.relative(ROOT, file)} imports ${target}`);
        }
      }
    }
    assert.deepEqual(offenders, []);
  });

  it('would catch an import of the rules, the workflows or the activities', () => {
    const file = path.join(SIM, 'judge/judge-model.ts');
    for (const specifier of ['../../rules/fix-phrases', '../../../workflows/regenerate-scene', '../../../activities/analysis', '../../analysis/judge-prompt']) {
      const target = resolveTarget(file, specifier);
      assert.ok(!ALLOWED.some((allowed) => target.startsWith(allowed)), target);
    }
    assert.deepEqual(specifiers(`import type { A } from '../x';\nexport { b } from "./y";\nconst c = await import('../z');\nimport './side';`), ['../x', './y', '../z', './side']);
  });
});
