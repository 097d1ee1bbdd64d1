import type { ProviderName } from '../../src/domain/provider';
import type { RegenerationOutcome, UserDecision } from '../../src/domain/regeneration';
import type { RegenerateSceneInput } from '../../src/domain/inputs';
import type { ScenarioRule } from '../../src/sim/server';
import { sceneInput } from './scenes';
import { regenerationWorkflowId } from '../../src/domain/workflow-ids';

/**
 * Rounds whose end is known in advance, for tests that disturb them (kill the worker, stop the
 * server) and then check each ended as planned.
 *
 * Every attempt gets its own simulator rule, matched on text only that attempt's prompt carries
 * (SPEC.md adds "simple composition…" from attempt 2 and "minimalist…" from attempt 3), so an
 * analysis repeated after a crash gets the same score again, and the simulator counts each
 * attempt's provider submissions separately: a duplicate shows on the attempt that made it.
 */

export const ROUND_PLANS = ['pass1', 'pass2', 'pass3', 'approve', 'reject'] as const;
export type RoundPlan = (typeof ROUND_PLANS)[number];

type AttemptResult = 'success' | 'improved' | 'failed';

interface PlanShape {
  /** The score of each attempt's analysis, against the scene's starting 40. */
  scores: number[];
  results: AttemptResult[];
  outcome: RegenerationOutcome;
  finalScore: number;
}

const PLANS: Record<RoundPlan, PlanShape> = {
  pass1: { scores: [85], results: ['success'], outcome: 'passed', finalScore: 85 },
  pass2: { scores: [55, 80], results: ['improved', 'success'], outcome: 'passed', finalScore: 80 },
  pass3: { scores: [45, 48, 75], results: ['failed', 'failed', 'success'], outcome: 'passed', finalScore: 75 },
  // Attempt 3 gains exactly the minimum improvement, so it is the best the reviewer approves.
  approve: { scores: [45, 48, 50], results: ['failed', 'failed', 'improved'], outcome: 'approved', finalScore: 50 },
  // A rejected round keeps the scene's own asset (workflows/round-record.ts reject), so its starting 40.
  reject: { scores: [45, 48, 50], results: ['failed', 'failed', 'improved'], outcome: 'rejected', finalScore: 40 },
};

const SIMPLIFY = 'simple composition, single clear subject';
const MINIMALIST = 'minimalist, clean, professional photography style';

export interface ScriptedRound {
  plan: RoundPlan;
  input: RegenerateSceneInput;
  workflowId: string;
  /** In the order the simulator must consult them: the most specific first. */
  rules: ScenarioRule[];
  /** attemptMatches[k - 1]: the rule match that attempt k's prompt and analysis hit. */
  attemptMatches: string[];
  /** The decision a reviewer sends once the round is in the review queue. */
  decision?: UserDecision;
  expected: {
    outcome: RegenerationOutcome;
    results: AttemptResult[];
    providers: ProviderName[];
    finalScore: number;
    escalated: boolean;
  };
}

export interface ScriptedRoundOptions {
  /** Unique among every round that shares the simulator. */
  tag: string;
  /** A 2 s clip from kling (then runway, hailuo) instead of a flux image (then falai, flux). */
  video: boolean;
  /** How long each generation takes at the simulator. */
  latencyMs: number;
  reviewer?: string;
}

export function scriptedRound(plan: RoundPlan, options: ScriptedRoundOptions): ScriptedRound {
  const shape = PLANS[plan];
  // Brackets end the tag so that no tag is a substring of another ("r1" of "r17").
  const tag = `[${options.tag}]`;
  const input = sceneInput(
    {
      visualDirection: `A quiet harbor at dawn ${tag}`,
      currentProvider: options.video ? 'kling' : 'flux',
      duration: options.video ? 2 : 0,
      contentType: options.video ? 'nature' : 'food',
      // No issues, so no fix phrases: each attempt's prompt is exactly the base plus its own phrases.
      analysisResult: { overallScore: 40, recommendation: 'regenerate', issues: [] },
    },
    // The plans name each attempt's provider by the static map; with 100 rounds of one content
    // type the learned choice would gather enough evidence to change attempt 3 mid-run.
    { trigger: 'auto', policy: { learnedProviderChoice: false } },
  );
  const attemptMatches = [tag, `${tag}. ${SIMPLIFY}`, `${tag}. ${SIMPLIFY}, ${MINIMALIST}`];
  const rules: ScenarioRule[] = shape.scores
    // A pairwise comparison (two scores within the band) answers for the asset shown first in
    // both orders, a split: the higher score stays the best, so each plan's final score holds.
    .map((score, index) => ({ match: attemptMatches[index], scores: [score], issues: [], latencyMs: options.latencyMs, pairwise: 'first' as const }))
    .reverse();
  const reviewer = options.reviewer ?? 'fault-suite';
  const decision: UserDecision | undefined =
    plan === 'approve' ? { action: 'approve', reviewer } : plan === 'reject' ? { action: 'reject', reviewer } : undefined;
  const providers: ProviderName[] = options.video ? ['kling', 'runway', 'hailuo'] : ['flux', 'falai', 'flux'];
  return {
    plan,
    input,
    workflowId: regenerationWorkflowId(input.scene.id),
    rules,
    attemptMatches: attemptMatches.slice(0, shape.scores.length),
    decision,
    expected: {
      outcome: shape.outcome,
      results: shape.results,
      providers: providers.slice(0, shape.results.length),
      finalScore: shape.finalScore,
      escalated: decision !== undefined,
    },
  };
}
