import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { StoryboardSchema, type Storyboard } from '../client/scene-pipeline';

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
  const parsed = StoryboardSchema.safeParse(withIds);
  if (!parsed.success) throw new Error(`${file} is not a storyboard: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
