import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT } from '../project-root';

let cached: string | undefined;

/**
 * The Temporal CLI's path, found or built by scripts/install-temporal-cli.sh (the one place that
 * knows where to look), so people, tests and the demo all use the same binary.
 */
export function temporalCliPath(): string {
  if (cached) return cached;
  const script = path.join(PROJECT_ROOT, 'scripts', 'install-temporal-cli.sh');
  const out = execFileSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  cached = out.trim().split('\n').pop()!;
  return cached;
}
