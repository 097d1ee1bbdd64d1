import { readFileSync } from 'node:fs';
import { checkStoryboard, type Storyboard } from '../domain/input-checks';

/**
 * Reads a storyboard file for a demo run. Ids the file leaves out are derived from `projectId`,
 * so every run is a project of its own and never collides with rounds still awaiting review.
 */
export function readDemoStoryboard(file: string, projectId: number): Storyboard {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as {
    project?: Record<string, unknown>;
    scenes?: Record<string, unknown>[];
  };
  const withIds = {
    ...raw,
    project: { id: projectId, ...raw.project },
    scenes: (raw.scenes ?? []).map((scene, index) => ({ id: projectId * 100 + index + 1, ...scene })),
  };
  const checked = checkStoryboard(withIds);
  if (!checked.ok) throw new Error(`${file} is not a storyboard: ${checked.problems.join('; ')}`);
  return checked.value;
}
