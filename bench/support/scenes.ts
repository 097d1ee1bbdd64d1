import type { RegenerateSceneInput, SceneAssetInput } from '../../src/domain/inputs';

/**
 * Image scenes for the load benchmarks. A few visual directions only, so the simulator renders
 * each prompt once and then serves it from its cache: its own rendering is not what we measure.
 * The narration carries a marker that a scenario rule scores: PASS_MARKER scenes pass on their
 * first asset, ESCALATE_MARKER scenes fail every attempt and wait for a reviewer.
 */
export const PASS_MARKER = 'steady-hands';
export const ESCALATE_MARKER = 'shaky-hands';

export const IMAGE_DIRECTIONS = [
  'A ceramic teapot on a windowsill in morning light',
  'A bicycle leaning on a red brick wall',
  'A bowl of ripe pears on a linen cloth',
  'A wooden rowing boat on a calm lake',
  'A stack of old books beside a reading lamp',
  'A loaf of sourdough bread on a cutting board',
];

export const LOAD_RULES = [
  { match: PASS_MARKER, scores: [85] },
  {
    match: ESCALATE_MARKER,
    scores: [40],
    issues: [{ category: 'composition' as const, severity: 'medium' as const, description: 'cluttered background' }],
  },
];

export function imageScene(id: number, projectId: number, index: number, escalates: boolean): SceneAssetInput {
  return {
    scene: {
      id,
      projectId,
      sceneIndex: index,
      sceneType: 'b-roll',
      contentType: 'object',
      narration: `A still life for the catalogue (${escalates ? ESCALATE_MARKER : PASS_MARKER}).`,
      visualDirection: IMAGE_DIRECTIONS[index % IMAGE_DIRECTIONS.length],
      duration: 0,
      provider: index % 2 === 0 ? 'falai' : 'flux',
    },
    project: { id: projectId, name: `Bench project ${projectId}` },
  };
}

/** Runs `work` over `items` with at most `limit` in flight. */
export async function mapLimit<T, R>(items: T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index], index);
    }
  });
  await Promise.all(lanes);
  return results;
}

/** Marks the visual direction of refusedRoundInput's rounds, for a rule that refuses their generations. */
export const REFUSED_MARKER = 'refused-by-moderation';

/**
 * A round that reaches the review queue at once and cheaply: one attempt (maxAttempts 1) whose
 * provider refuses the prompt, five activities and no media.
 */
export function refusedRoundInput(id: number): RegenerateSceneInput {
  return {
    scene: {
      id,
      projectId: 1,
      sceneIndex: id,
      sceneType: 'b-roll',
      contentType: 'food',
      narration: 'Breakfast on the porch.',
      visualDirection: `A breakfast table on a porch, ${REFUSED_MARKER}`,
      duration: 0,
      currentProvider: 'flux',
      currentAssetUrl: 'http://127.0.0.1:1/assets/original.png',
      analysisResult: { overallScore: 40, recommendation: 'regenerate', issues: [] },
    },
    policy: { maxAttempts: 1 },
    trigger: 'auto',
  };
}
