/**
 * Where a process spent its CPU, from the `.cpuprofile` files Node writes with `--cpu-prof`
 * (one per thread): self time summed by where the code lives (a package under node_modules, a
 * folder of this project, or V8 and Node internals), largest first.
 * Run: npx ts-node bench/support/profile-summary.ts <dir-or-file>... [--top N]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  hitCount?: number;
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export function placeOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return 'node internals';
  const project = url.replace(/^file:\/\//, '').split('/');
  const top = project.findIndex((part) => ['src', 'workflows', 'activities', 'bench', 'test'].includes(part));
  if (top >= 0) return project.slice(top, top === project.length - 2 ? top + 1 : top + 2).join('/');
  // The workflow bundle is evaluated from a string: its frames carry the bundle's module paths.
  return url.includes('webpack') || url.includes('workflow-bundle') ? 'workflow bundle' : url;
}

/** Self time in milliseconds by place, for one profile. */
export function selfTimeByPlace(profile: CpuProfile): Map<string, number> {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const totals = new Map<string, number>();
  profile.samples.forEach((id, index) => {
    const node = byId.get(id)!;
    const place = placeOf(node.callFrame.url, node.callFrame.functionName);
    totals.set(place, (totals.get(place) ?? 0) + (profile.timeDeltas[index] ?? 0) / 1000);
  });
  return totals;
}

function profileFiles(target: string): string[] {
  if (!statSync(target).isDirectory()) return [target];
  return readdirSync(target)
    .filter((name) => name.endsWith('.cpuprofile'))
    .map((name) => path.join(target, name));
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const topAt = args.indexOf('--top');
  const top = topAt >= 0 ? Number(args[topAt + 1]) : 25;
  const targets = topAt >= 0 ? args.filter((_, index) => index !== topAt && index !== topAt + 1) : args;
  for (const file of targets.flatMap(profileFiles)) {
    const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
    const totals = [...selfTimeByPlace(profile).entries()].sort((a, b) => b[1] - a[1]);
    const sampled = totals.reduce((sum, [, ms]) => sum + ms, 0);
    console.log(`\n${path.basename(file)}: ${(sampled / 1000).toFixed(1)} s sampled over ${((profile.endTime - profile.startTime) / 1e6).toFixed(1)} s`);
    for (const [place, ms] of totals.slice(0, top)) {
      if (place === '(idle)') continue;
      console.log(`  ${((100 * ms) / sampled).toFixed(1).padStart(5)} %  ${(ms / 1000).toFixed(2).padStart(7)} s  ${place}`);
    }
  }
}
