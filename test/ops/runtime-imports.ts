import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { ROOT } from './compose-file';

/** The packages the files tsconfig.build.json compiles load at run time (type-only imports left out). */
export function runtimePackages(): Set<string> {
  const config = JSON.parse(readFileSync(path.join(ROOT, 'tsconfig.build.json'), 'utf8')) as { include: string[]; exclude: string[] };
  const excluded = config.exclude.map((entry) => path.join(ROOT, entry));
  const packages = new Set<string>();
  const visit = (file: string): void => {
    if (excluded.some((entry) => file === entry || file.startsWith(entry + path.sep))) return;
    if (!file.endsWith('.ts')) {
      if (!path.extname(file)) for (const entry of safeReaddir(file)) visit(path.join(file, entry));
      return;
    }
    const source = readFileSync(file, 'utf8');
    const specifiers = [
      ...source.matchAll(/^import (?!type\b)[^;]*? from '([^']+)'/gms),
      ...source.matchAll(/\brequire\('([^']+)'\)/g),
      ...source.matchAll(/\bimport\('([^']+)'\)/g),
    ].map((match) => match[1]);
    for (const specifier of specifiers) {
      if (specifier.startsWith('.') || specifier.startsWith('node:') || builtinModules.includes(specifier)) continue;
      const parts = specifier.split('/');
      packages.add(specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]);
    }
  };
  for (const entry of config.include) visit(path.join(ROOT, entry));
  return packages;
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
