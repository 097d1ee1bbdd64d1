import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT } from '../project-root';

let cached: string | undefined;

/** versitygw's path, found or built by scripts/install-versitygw.sh (the one place that knows where). */
export function versitygwPath(): string {
  if (cached) return cached;
  const script = path.join(PROJECT_ROOT, 'scripts', 'install-versitygw.sh');
  const out = execFileSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  cached = out.trim().split('\n').pop()!;
  return cached;
}
