import type { Db } from '../db/database';
import { getScene } from '../db/queries';
import type { SceneView } from '../web/api-types';

/** One line per change in a scene's life: first asset judged, each attempt, the outcome. */
export function progressLines(scene: SceneView, seen: Set<string>): string[] {
  const label = `scene ${String(scene.sceneIndex + 1).padStart(2)}`;
  const lines: string[] = [];
  const emit = (key: string, text: string): void => {
    if (!seen.has(key)) {
      seen.add(key);
      lines.push(`${label} · ${text}`);
    }
  };
  const firstScore = scene.regenerationAttempts[0]?.scoreBefore ?? scene.qualityScore;
  if (firstScore !== undefined) emit('first', `first asset · ${scene.provider} · score ${firstScore}`);
  for (const attempt of scene.regenerationAttempts) {
    const score = attempt.failure ? `failed: ${attempt.failure.type}` : `score ${attempt.scoreAfter} (${attempt.result})`;
    emit(`attempt-${attempt.workflowId}-${attempt.round}-${attempt.attemptNumber}`, `round ${attempt.round} attempt ${attempt.attemptNumber} · ${attempt.provider} · ${score}`);
  }
  if (scene.status === 'awaiting_review') emit('review', `waiting for a reviewer (best score ${scene.qualityScore})`);
  return lines;
}

/** Prints progress for the given scenes every interval until stopped. */
export function watchProgress(db: Db, sceneIds: readonly number[], print: (line: string) => void, intervalMs = 1_000): () => Promise<void> {
  const seen = new Map<number, Set<string>>(sceneIds.map((id) => [id, new Set<string>()]));
  let stopped = false;
  const tick = async (): Promise<void> => {
    for (const id of sceneIds) {
      const scene = await getScene(db, id);
      if (scene) for (const line of progressLines(scene, seen.get(id)!)) print(line);
    }
  };
  const loop = (async () => {
    while (!stopped) {
      await tick().catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
    await tick();
  })();
  return async () => {
    stopped = true;
    await loop;
  };
}
