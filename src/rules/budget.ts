import type { BudgetReservation, ProjectSpend } from '../domain/round-steps';
import type { SceneKind } from '../domain/scene';
import { DEFAULT_GENERATION_PRICES, DEFAULT_MODEL_PRICES } from '../catalog/prices';
import type { ProviderName } from '../domain/provider';
import { generationCostUsd, roundUsd } from '../catalog/cost';
import { editCostUsd, editEndpoint } from '../catalog/edits';
import { piapiRule } from '../catalog/limits/piapi';
import { snapUp } from '../catalog/limits/rule';
import { runwayRule } from '../catalog/limits/runway';

/**
 * The clip lengths a per-second provider bills (src/catalog/limits/): the adapters ask for the
 * next length at or above the scene's (piapi-models.ts, runway.ts), so a 6 s scene costs 10 s.
 */
const BILLED_DURATIONS: Partial<Record<ProviderName, readonly number[] | undefined>> = {
  kling: piapiRule('kling').durations,
  luma: piapiRule('luma').durations,
  runway: runwayRule('text_to_video', 'gen4.5').durations,
};

function billedSeconds(provider: ProviderName, kind: SceneKind, seconds: number): number {
  const allowed = BILLED_DURATIONS[provider];
  if (kind !== 'video' || allowed === undefined) return seconds;
  return snapUp(Math.ceil(seconds), allowed);
}

/**
 * What one judgment is expected to cost. The workflow does not know which Claude model the
 * workers are configured with, so it prices the dearest one the judge may use
 * (src/catalog/prices.ts DEFAULT_MODEL_PRICES): a budget is a ceiling, and an estimate too high
 * stops a round early, never lets one overspend. Tokens: a video is judged on 4 frames
 * (ANALYSIS_VIDEO_FRAMES' default), about 1,600 tokens each at the API's largest image size
 * (width × height / 750, https://platform.claude.com/docs/en/build-with-claude/vision), plus about
 * 1,600 tokens of instructions, scene and brand; a verdict runs to a few hundred tokens, 800 here.
 */
export const JUDGMENT_TOKENS = { input: 8_000, output: 800 } as const;

export function judgmentEstimateUsd(): number {
  const dearest = Object.values(DEFAULT_MODEL_PRICES).reduce((a, b) => (b.inputPerMTok + b.outputPerMTok > a.inputPerMTok + a.outputPerMTok ? b : a));
  return roundUsd((JUDGMENT_TOKENS.input * dearest.inputPerMTok + JUDGMENT_TOKENS.output * dearest.outputPerMTok) / 1_000_000);
}

/**
 * A pairwise comparison (src/analysis/claude-compare.ts) is two requests, each showing both
 * assets: about twice a judgment's images each, so four judgments' worth in all.
 */
export const JUDGMENTS_PER_COMPARISON = 4;

/**
 * The most an attempt is expected to cost: the provider's price for the scene (src/catalog/prices.ts),
 * every judgment a score near the bar may get (policy.judgmentsNearBar) and the pairwise
 * comparison its score may call for, since a budget must hold whatever the judge answers.
 */
export function expectedAttemptUsd(attempt: {
  provider: ProviderName;
  kind: SceneKind;
  durationSeconds: number;
  judgments: number;
  /** Pairwise comparisons the attempt may make necessary (0 or 1); none when absent. */
  comparisons?: number;
}): number {
  const { provider, kind } = attempt;
  const generation = generationCostUsd(DEFAULT_GENERATION_PRICES[provider], kind, billedSeconds(provider, kind, attempt.durationSeconds));
  const judgments = attempt.judgments + (attempt.comparisons ?? 0) * JUDGMENTS_PER_COMPARISON;
  return roundUsd(generation + judgments * judgmentEstimateUsd());
}

/**
 * The most a repair is expected to cost: the provider's edit price for the asset
 * (src/catalog/edits.ts), with the same judgments and comparison as any attempt.
 */
export function expectedRepairUsd(attempt: { provider: ProviderName; kind: SceneKind; durationSeconds: number; judgments: number; comparisons?: number }): number {
  const endpoint = editEndpoint(attempt.provider, attempt.kind);
  if (endpoint === undefined) throw new Error(`${attempt.provider} cannot edit a ${attempt.kind}`);
  const judgments = attempt.judgments + (attempt.comparisons ?? 0) * JUDGMENTS_PER_COMPARISON;
  return roundUsd(editCostUsd(endpoint, attempt.durationSeconds) + judgments * judgmentEstimateUsd());
}

export interface BudgetState {
  /** What the round's attempts so far cost. */
  roundSpentUsd: number;
  /** policy.maxCostUsd; absent: the round has no budget of its own. */
  maxCostUsd?: number;
  /** What the project has spent, as the database has it (first assets and every attempt). */
  projectSpentUsd: number;
  /** What attempts of the project under way hold against its budget (src/db/budget-reservations.ts). */
  projectHeldUsd?: number;
  /** The project's budget; absent: none. */
  projectBudgetUsd?: number;
  expectedUsd: number;
}

export type BudgetVerdict = { start: true } | { start: false; exceeded: 'round' | 'project'; message: string };

/**
 * SPEC.md "Cost and provider health": no attempt starts whose expected price would take the
 * round or the project past its budget. Reaching a budget exactly is within it.
 */
export function mayStartAttempt(state: BudgetState): BudgetVerdict {
  const { expectedUsd } = state;
  if (state.maxCostUsd !== undefined && roundUsd(state.roundSpentUsd + expectedUsd) > state.maxCostUsd) {
    return {
      start: false,
      exceeded: 'round',
      message: `the round spent $${usd(state.roundSpentUsd)} of its $${usd(state.maxCostUsd)}; the next attempt may cost $${usd(expectedUsd)}`,
    };
  }
  const held = state.projectHeldUsd ?? 0;
  if (state.projectBudgetUsd !== undefined && roundUsd(state.projectSpentUsd + held + expectedUsd) > state.projectBudgetUsd) {
    const holds = held > 0 ? ` (and attempts under way hold $${usd(held)})` : '';
    return {
      start: false,
      exceeded: 'project',
      message: `the project spent $${usd(state.projectSpentUsd)}${holds} of its $${usd(state.projectBudgetUsd)}; the next attempt may cost $${usd(expectedUsd)}`,
    };
  }
  return { start: true };
}

/**
 * The project's part of mayStartAttempt as the database answers it (src/db/budget-reservations.ts):
 * what attempts under way hold counts beside what the project spent.
 */
export function projectHoldAnswer(spend: ProjectSpend, heldUsd: number, expectedUsd: number): BudgetReservation {
  const verdict = mayStartAttempt({
    roundSpentUsd: 0,
    projectSpentUsd: spend.spentUsd,
    projectHeldUsd: heldUsd,
    projectBudgetUsd: spend.budgetUsd,
    expectedUsd,
  });
  return verdict.start ? { granted: true, ...spend, heldUsd } : { granted: false, ...spend, heldUsd, message: verdict.message };
}

function usd(value: number): string {
  return value.toFixed(2);
}
