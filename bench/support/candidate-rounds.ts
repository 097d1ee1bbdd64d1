import type { PairwiseAnswer } from '../../src/domain/best-pick';
import type { AttemptContext } from '../../src/domain/round-steps';
import { promptLimit } from '../../src/catalog/prompt-limit';
import { planAttempt } from '../../src/rules/attempt-plan';
import { bestCandidates, decideBest, needsPairwise, rankByScore } from '../../src/rules/best-pick';
import { JUDGMENTS_PER_COMPARISON, expectedAttemptUsd } from '../../src/rules/budget';
import { candidatePrompts, candidateProviders, candidatesThatFit, wantedCandidates } from '../../src/rules/candidates';
import { attemptOutcome } from '../../src/rules/outcome';
import { DEFAULT_POLICY } from '../../src/rules/policy';
import { sceneNeeds } from '../../src/rules/provider-choice';
import { simulatedRecommendation } from '../../src/sim/judge/judge-model';
import { judgedPreference, seededRng, type JudgeSettings, type Rng } from '../../src/sim/judge/quality-model';
import { analysisOf, generationUsd, judgeAsset, JUDGMENT_USD, qualityOf, type JudgedAsset, type QualityScene, type RunSettings } from './quality-rounds';

/**
 * Rounds with several candidates per attempt, played in process as bench/support/quality-rounds.ts
 * plays rounds: the product's rules decide (how many candidates, their providers and prompts,
 * which is kept, whether the attempt passed) and the simulator's quality model stands in for the
 * providers and the judge. Candidates run side by side, so an attempt takes one attempt's
 * wall-clock however many it makes; the round's time is counted in attempts.
 */

export interface CandidateRound {
  /** The attempt that passed (1 = within the time of one attempt); undefined: the round escalated. */
  passedAt?: number;
  /** What the providers billed, every candidate of every attempt. */
  generationUsd: number;
  /** The judgments and comparisons beside it. */
  judgingUsd: number;
  generations: number;
  /** Attempt 1's candidates: how far apart their true qualities are (best − worst), in points. */
  firstSpread: number;
}

/** Plays each scene whose first asset does not pass; scenes that pass at once have no round and are left out. */
export function playCandidateRounds(scenes: readonly QualityScene[], candidates: number, seed: string, judge: JudgeSettings): CandidateRound[] {
  const policy = { ...DEFAULT_POLICY, learnedProviderChoice: false, candidates };
  const settings: RunSettings = { sigma: 0, judge, seed, judging: policy as RunSettings['judging'], learned: false, minEvidence: 20 };
  const rounds: CandidateRound[] = [];
  for (const scene of scenes) {
    const rng = seededRng(`${seed}:${scene.id}`);
    const start = judgeAsset(qualityOf(scene.visualDirection, scene, scene.provider), settings, rng, `${scene.id}:0`, scene.contentType);
    if (start.score >= policy.minScoreToPass) continue;
    rounds.push(playRound(scene, policy, settings, rng, start));
  }
  return rounds;
}

function playRound(scene: QualityScene, policy: typeof DEFAULT_POLICY, settings: RunSettings, rng: Rng, start: JudgedAsset): CandidateRound {
  const round: CandidateRound = { generationUsd: 0, judgingUsd: 0, generations: 0, firstSpread: 0 };
  const needs = sceneNeeds(scene, scene.provider);
  let current = { score: start.score, analysis: analysisOf(scene.visualDirection, scene, scene.provider, start.score) };
  const used: AttemptContext['usedThisRound'] = [];
  for (let attemptNumber = 1; attemptNumber <= policy.maxAttempts; attemptNumber++) {
    const context: AttemptContext = {
      attemptNumber,
      roundProvider: scene.provider,
      usedThisRound: used,
      roundSpentUsd: round.generationUsd + round.judgingUsd,
      currentScore: current.score,
      contentType: scene.contentType,
      needs,
      policy,
    };
    const plan = planAttempt(context, [], () => undefined);
    if (plan.preferred === undefined) break;
    const first = plan.candidates[0];
    // No deadline and no budget here: the count is the policy's (the rules' table tests the rest).
    const wanted = wantedCandidates({ policy, nowMs: 0, attemptMs: 0 });
    const providers = candidateProviders(first, plan.candidates, wanted.count);
    const prices = providers.map((p) => expectedAttemptUsd({ provider: p, kind: scene.kind, durationSeconds: scene.duration, judgments: 3, comparisons: 1 }));
    const count = candidatesThatFit(wanted, prices, undefined).count;
    const promptInput = { attemptNumber, visualDirection: scene.visualDirection, analysis: current.analysis };
    const prompts = candidatePrompts(promptInput, providers.slice(0, count), (p) => promptLimit(p, scene.kind));
    const judged = prompts.map((prompt, index) => {
      const provider = providers[index];
      const asset = judgeAsset(qualityOf(prompt, scene, provider), settings, rng, `${scene.id}:${attemptNumber}:${index + 1}`, scene.contentType);
      round.generationUsd += generationUsd(provider, scene);
      round.judgingUsd += asset.judgments * JUDGMENT_USD;
      round.generations += 1;
      return { provider, prompt, asset };
    });
    if (attemptNumber === 1) round.firstSpread = Math.max(...judged.map((j) => j.asset.trueQuality)) - Math.min(...judged.map((j) => j.asset.trueQuality));
    const keptIndex = keep(judged.map((j) => j.asset), settings, round, rng);
    const kept = judged[keptIndex];
    used.push(kept.provider);
    const result = attemptOutcome(kept.asset.score, current.score, policy, simulatedRecommendation(kept.asset.score));
    if (result === 'success') return { ...round, passedAt: attemptNumber };
    if (result === 'improved') current = { score: kept.asset.score, analysis: analysisOf(kept.prompt, scene, kept.provider, kept.asset.score) };
  }
  return round;
}

/** The candidate kept (src/rules/best-pick.ts), the judge asked between the top two when they are within the band. */
function keep(assets: readonly JudgedAsset[], settings: RunSettings, round: CandidateRound, rng: Rng): number {
  if (assets.length === 1) return 0;
  const judged = assets.map((a, index) => ({
    attemptNumber: index + 1,
    scoreAfter: a.score,
    assetUrl: 'judged',
    analysisResult: { overallScore: a.score, recommendation: simulatedRecommendation(a.score), issues: [] },
  }));
  const ranked = rankByScore(bestCandidates(undefined, judged));
  const band = settings.judging.uncertaintyBand;
  let answers: readonly [PairwiseAnswer, PairwiseAnswer] | undefined;
  if (needsPairwise(ranked, band)) {
    const top = assets[ranked[0].attemptNumber! - 1].trueQuality;
    const next = assets[ranked[1].attemptNumber! - 1].trueQuality;
    answers = [judgedPreference(top, next, settings.judge!, rng), judgedPreference(next, top, settings.judge!, rng)];
    round.judgingUsd += JUDGMENTS_PER_COMPARISON * JUDGMENT_USD;
  }
  return decideBest(ranked, band, answers).attemptNumber! - 1;
}
