import type { Db } from '../db/database';
import { getScene, pendingReviewEntryOf } from '../db/queries';
import type { ReviewEntryView, SceneView } from '../domain/http-api';

/**
 * One line per change in a scene's life: first asset judged, each attempt, the outcome. While the
 * scene waits for a reviewer its record still holds the asset it had; the best is the queue
 * entry's (what a plain approve takes), so `pending` is read for it.
 */
export function progressLines(
  scene: SceneView,
  seen: Set<string>,
  pending?: Pick<ReviewEntryView, 'bestScore' | 'bestAttemptNumber' | 'bestPick' | 'round'>,
): string[] {
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
  if (scene.status === 'awaiting_review' && pending !== undefined) emit('review', `waiting for a reviewer (${bestText(pending)})`);
  return lines;
}

function bestText(entry: Pick<ReviewEntryView, 'bestScore' | 'bestAttemptNumber' | 'bestPick' | 'round'>): string {
  const which = entry.bestAttemptNumber === undefined ? 'the asset the round started from' : `round ${entry.round} attempt ${entry.bestAttemptNumber}`;
  const reason = entry.bestPick?.reason;
  const why =
    reason === 'pairwise'
      ? ', preferred in a side-by-side comparison'
      : reason === 'pairwise_split'
        ? ', a side-by-side comparison did not decide'
        : '';
  return `best score ${entry.bestScore}: ${which}${why}`;
}

/** Prints progress for the given scenes every interval until stopped. */
export function watchProgress(db: Db, sceneIds: readonly number[], print: (line: string) => void, intervalMs = 1_000): () => Promise<void> {
  const seen = new Map<number, Set<string>>(sceneIds.map((id) => [id, new Set<string>()]));
  let stopped = false;
  const tick = async (): Promise<void> => {
    for (const id of sceneIds) {
      const scene = await getScene(db, id);
      if (!scene) continue;
      const pending = scene.status === 'awaiting_review' ? await pendingReviewEntryOf(db, id) : undefined;
      for (const line of progressLines(scene, seen.get(id)!, pending)) print(line);
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
