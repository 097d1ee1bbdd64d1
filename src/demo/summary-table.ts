import type { SceneAssetResult } from '../domain/regeneration';
import type { ReviewEntryView, SceneView } from '../domain/http-api';

export interface SummaryRow {
  scene: number;
  firstScore: string;
  attempts: number;
  providers: string;
  finalScore: string;
  outcome: string;
  costUsd: number;
}

/**
 * What the final table says about one scene, from its record and its pipeline result. A scene
 * waiting for a reviewer shows the best its queue entry names (`pending`): its record still holds
 * the asset it had before the round.
 */
export function summaryRow(
  scene: SceneView,
  result: SceneAssetResult | undefined,
  pending?: Pick<ReviewEntryView, 'bestScore'>,
): SummaryRow {
  const attempts = scene.regenerationAttempts;
  const first = attempts[0]?.scoreBefore ?? scene.qualityScore;
  // Attempt 1 uses the scene's own provider, so the attempts alone name every provider tried.
  const providers = attempts.length > 0 ? [...new Set(attempts.map((a) => a.provider))] : [scene.provider];
  const cost = (scene.initialCostUsd ?? 0) + attempts.reduce((sum, a) => sum + (a.costUsd ?? 0), 0);
  return {
    scene: scene.sceneIndex + 1,
    firstScore: first === undefined ? '-' : String(first),
    attempts: attempts.length,
    providers: providers.join(' → '),
    finalScore: pending ? `best ${pending.bestScore}` : scene.qualityScore === undefined ? '-' : String(scene.qualityScore),
    outcome: outcomeLabel(scene, result),
    costUsd: Math.round(cost * 10_000) / 10_000,
  };
}

function outcomeLabel(scene: SceneView, result: SceneAssetResult | undefined): string {
  if (!result) return 'failed';
  if (result.needsUserReview) return 'awaiting review';
  if (!result.regeneration) return 'passed first time';
  return result.regeneration.outcome;
}

export function formatTable(rows: readonly SummaryRow[]): string {
  const header = ['scene', 'first score', 'attempts', 'providers', 'final score', 'outcome', 'cost (USD)'];
  const cells = rows.map((r) => [
    String(r.scene),
    r.firstScore,
    String(r.attempts),
    r.providers,
    r.finalScore,
    r.outcome,
    r.costUsd.toFixed(4),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (values: string[]): string => values.map((v, i) => v.padEnd(widths[i])).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}
