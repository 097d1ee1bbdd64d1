import type { SceneAnalysisResult } from '../../src/domain/analysis';
import type { SceneKind } from '../../src/domain/scene';
import type { BestPick } from '../../src/domain/best-pick';
import { DEFAULT_GENERATION_PRICES, DEFAULT_MODEL_PRICES } from '../../src/catalog/prices';
import type { AttemptEvidence } from '../../src/domain/provider-evidence';
import type { AttemptContext } from '../../src/domain/round-steps';
import type { ProviderName } from '../../src/domain/provider';
import { generationCostUsd } from '../../src/catalog/cost';
import { judge, simulatedRecommendation } from '../../src/sim/judge/judge-model';
import {
  analysisText,
  EXACT_JUDGE,
  gaussian,
  judgedPreference,
  judgedScore,
  noisyScore,
  pairwisePreference,
  persistentError,
  seededRng,
  trueQualityFor,
  type JudgeSettings,
  type Rng,
} from '../../src/sim/judge/quality-model';
import type { PairwiseAnswer } from '../../src/domain/best-pick';
import { bestCandidates, decideBest, needsPairwise, pairKey, rankByScore, type BestCandidate } from '../../src/rules/best-pick';
import { expectedAttemptUsd, JUDGMENT_TOKENS, JUDGMENTS_PER_COMPARISON, mayStartAttempt } from '../../src/rules/budget';
import { combinedJudgment, judgingHistoryOf, shouldJudgeAgain, type JudgingSettings } from '../../src/rules/judging';
import type { JudgingHistory } from '../../src/domain/judge-view';
import { planAttempt } from '../../src/rules/attempt-plan';
import { attemptOutcome } from '../../src/rules/outcome';
import { DEFAULT_POLICY } from '../../src/rules/policy';
import { improvedPrompt } from '../../src/rules/prompt';
import { providerCandidates, sceneNeeds } from '../../src/rules/provider-choice';
import { addEvidence } from '../../test/helpers/attempt-evidence';

/**
 * Rounds as the workflow decides them, played in process: the product's own rule modules
 * (src/rules/) make every decision, and the simulator's quality model
 * (src/sim/judge/quality-model.ts) stands in for the providers and the judge: each asset has a
 * true quality, each judgment is that quality plus seeded noise, and a pairwise question is
 * answered by the simulator's pairwise model (exact unless `judge` says otherwise). What this
 * leaves out is the plumbing the tests cover (Temporal, activities, the database); what it
 * measures is whether the rules make the right calls when the judge is noisy.
 */

export interface QualityScene {
  id: number;
  projectId: number;
  contentType: string;
  kind: SceneKind;
  duration: number;
  provider: ProviderName;
  visualDirection: string;
  narration: string;
  /**
   * Points this scene's assets fall short of (or beyond) what the simulator's model gives its
   * words: some scenes are simply harder. Without it nearly every scene passes by attempt 2 and
   * the rounds that escalate, where the best pick matters, are too few to count.
   */
  difficulty: number;
}

const DIRECTIONS: Record<string, string[]> = {
  person: ['A woman reading by a window', 'An old fisherman mending a net', 'A child laughing on a swing'],
  lifestyle: ['Friends sharing coffee on a porch', 'A family cooking together', 'A couple walking a dog in a park'],
  product: ['A steel watch on a marble slab', 'Headphones on a wooden desk', 'A leather bag on a chair'],
  nature: ['A waterfall in a mossy forest', 'Wheat fields under a wide sky', 'A fox in tall grass at dusk'],
  cinematic: ['A train crossing a bridge at dawn', 'A lone rider on a desert road', 'City rooftops after rain'],
  food: ['A bowl of ramen with steam rising', 'Fresh bread on a cutting board', 'A plate of ripe figs and honey'],
  object: ['A ceramic teapot on a windowsill', 'A stack of old books and a lamp', 'A brass compass on a map'],
};
const CONTENT_TYPES = Object.keys(DIRECTIONS);
const VIDEO_STARTERS: ProviderName[] = ['kling', 'luma', 'runway'];
const IMAGE_STARTERS: ProviderName[] = ['flux', 'falai'];
const DETAILS = ['in soft light', 'seen from above', 'close up', 'in the late afternoon', 'with a shallow depth of field', 'in winter'];

/** A storyboard of `count` scenes across the content types, projects of 30 scenes each. */
export function storyboard(count: number, difficulty = { mean: -8, sigma: 7 }): QualityScene[] {
  const rng = seededRng('quality-storyboard');
  return Array.from({ length: count }, (_, index) => {
    const contentType = CONTENT_TYPES[index % CONTENT_TYPES.length];
    const image = contentType === 'food' || contentType === 'object';
    const round = Math.floor(index / CONTENT_TYPES.length);
    const starters = image ? IMAGE_STARTERS : VIDEO_STARTERS;
    const directions = DIRECTIONS[contentType];
    return {
      id: index + 1,
      projectId: Math.floor(index / 30) + 1,
      contentType,
      kind: image ? 'image' : 'video',
      duration: image ? 0 : 5,
      provider: starters[round % starters.length],
      visualDirection: `${directions[round % directions.length]}, ${DETAILS[round % DETAILS.length]}`,
      narration: `Scene ${index + 1} of the quality storyboard.`,
      difficulty: difficulty.mean + difficulty.sigma * gaussian(rng),
    };
  });
}

export interface RunSettings {
  /** The judge's noise, σ in score points, drawn afresh on every judgment. */
  sigma: number;
  /**
   * A judge as the simulator's realistic one (src/sim/judge/judge-settings.ts): an error that
   * belongs to the asset (a judgment asked again repeats it) plus noise per call; when set it
   * stands in for `sigma`.
   */
  judge?: JudgeSettings;
  seed: string;
  judging: JudgingSettings;
  /** policy.learnedProviderChoice: the choice by expected value (src/rules/attempt-plan.ts), else the static map. */
  learned: boolean;
  minEvidence: number;
  /** policy.reviewCostUsd; the policy's default when absent. */
  reviewCostUsd?: number;
  /** Evidence carried in from earlier runs; grows with every attempt of this run. */
  evidence?: AttemptEvidence[];
  /**
   * Judging as the product does it: each judgment after the first from another view (a new
   * persistent error, correlated at the judge's ρ), combined with the content type's history of
   * recorded judgments (carried in and grown like `evidence`). Absent: every judgment asks the
   * identical question and the band and the median decide.
   */
  viewsAndHistory?: {
    recorded: Map<string, RecordedJudgment[][]>;
    /** Every asset judged from as many views as the policy allows, whatever the first said: the bench's bound. */
    everyAssetFully?: boolean;
  };
  maxCostUsd?: number;
  projectBudgetUsd?: number;
  /**
   * A fixed choice to search over (the bench's bound), not a product rule: when it names a
   * provider, that is the attempt's preferred provider instead of the learned or static choice.
   */
  providerFor?: (scene: QualityScene, attemptNumber: number) => ProviderName | undefined;
}

/** One recorded judgment, as the product keeps it on an attempt. */
export interface RecordedJudgment {
  score: number;
  view?: { number: number };
}

/** One judged asset: its truth and what the judging made of it. */
export interface JudgedAsset {
  trueQuality: number;
  /** The first judgment alone: the call without the uncertainty band. */
  firstScore: number;
  /** The median of the judgments the band asked for. */
  score: number;
  judgments: number;
}

export interface AttemptRecord {
  attemptNumber: number;
  provider: ProviderName;
  asset: JudgedAsset;
  result: 'success' | 'improved' | 'failed';
  costUsd: number;
}

export interface RoundRecord {
  scene: QualityScene;
  start: JudgedAsset;
  attempts: AttemptRecord[];
  outcome: 'passed_first' | 'passed' | 'escalated' | 'budget_exhausted' | 'not_worth_trying';
  /** Spend of the round's attempts (not the first asset), pairwise questions included. */
  roundCostUsd: number;
  firstAssetCostUsd: number;
  /** For rounds that ended without a pass: the best by score alone and by the product's rule. */
  bestByScore?: BestCandidate;
  bestPick?: BestPick;
  /** The product's rule with every pairwise answer right, on the same candidates: the bench's bound. */
  bestPickExactComparer?: BestPick;
  /** Each pairwise answer given: the true-quality gap of its pair and whether it named the truly better asset. */
  pairwiseAnswers: { gap: number; right: boolean }[];
  pairwiseQuestions: number;
  /** The pairs of candidates compared so far, by pairKey, with the two answers. */
  compared: Map<string, readonly [PairwiseAnswer, PairwiseAnswer]>;
  /** Attempts that took the round or the project past its budget: the rule says none may. */
  overBudgetAttempts: number;
}

/** Claude's price for one judgment of the size the budget rules assume, at the default judge model. */
export const JUDGMENT_USD =
  (JUDGMENT_TOKENS.input * DEFAULT_MODEL_PRICES['claude-sonnet-4-6'].inputPerMTok +
    JUDGMENT_TOKENS.output * DEFAULT_MODEL_PRICES['claude-sonnet-4-6'].outputPerMTok) /
  1_000_000;

export function generationUsd(provider: ProviderName, scene: QualityScene): number {
  return generationCostUsd(DEFAULT_GENERATION_PRICES[provider], scene.kind, scene.duration);
}

/**
 * Judges an asset of true quality `q` as the judge activity does: again while the judgments
 * straddle the bar. `assetKey` names the asset for the realistic judge's persistent error. Without
 * views every judgment asks the identical question and repeats that error; with them judgment k is
 * view k, whose persistent error is drawn anew (correlated at ρ with the others).
 */
export function judgeAsset(q: number, settings: RunSettings, rng: Rng, assetKey: string, contentType: string): JudgedAsset {
  const judgments: { analysis: { overallScore: number; recommendation: SceneAnalysisResult['recommendation'] }; modelSkipped: boolean }[] = [];
  const { judge } = settings;
  const views = settings.viewsAndHistory;
  const recorded = views?.recorded.get(contentType) ?? [];
  const history: JudgingHistory | undefined = views === undefined ? undefined : judgingHistoryOf(contentType, recorded);
  do {
    const view = views === undefined ? 'default' : `view-${judgments.length + 1}`;
    const persistent = judge === undefined ? 0 : persistentError(settings.seed, assetKey, view, judge);
    const score = judge === undefined ? noisyScore(q, settings.sigma, rng) : judgedScore(q, persistent, judge.callSigma, rng);
    judgments.push({ analysis: { overallScore: score, recommendation: simulatedRecommendation(score) }, modelSkipped: false });
  } while (
    views?.everyAssetFully === true ? judgments.length < settings.judging.judgmentsNearBar : shouldJudgeAgain(judgments, settings.judging, history)
  );
  if (views !== undefined) {
    recorded.push(judgments.map((j, index) => ({ score: j.analysis.overallScore, view: { number: index + 1 } })));
    views.recorded.set(contentType, recorded);
  }
  return {
    trueQuality: q,
    firstScore: judgments[0].analysis.overallScore,
    score: combinedJudgment(judgments, settings.judging, history).analysis.overallScore,
    judgments: judgments.length,
  };
}

/** The analysis the next prompt is built from: the simulated judge's issues, the median score. */
export function analysisOf(prompt: string, scene: QualityScene, provider: ProviderName, score: number): SceneAnalysisResult {
  const verdict = judge({ userText: analysisText({ prompt, provider, contentType: scene.contentType, visualDirection: scene.visualDirection, narration: scene.narration }), images: [] });
  return { overallScore: score, recommendation: simulatedRecommendation(score), issues: verdict.issues, improvedPrompt: verdict.improvedPrompt };
}

export function qualityOf(prompt: string, scene: QualityScene, provider: ProviderName): number {
  const modelled = trueQualityFor({ prompt, provider, contentType: scene.contentType, visualDirection: scene.visualDirection, narration: scene.narration });
  return Math.min(100, Math.max(0, modelled + scene.difficulty));
}

/** Plays the storyboard: each scene's first asset, then its round when the first asset does not pass. */
export function playStoryboard(scenes: readonly QualityScene[], settings: RunSettings): { rounds: RoundRecord[]; evidence: AttemptEvidence[] } {
  const evidence = (settings.evidence ?? []).map((e) => ({ ...e }));
  const projectSpent = new Map<number, number>();
  const rounds = scenes.map((scene) => {
    // One stream per scene, so a change in one scene's decisions does not reshuffle the others' noise.
    const rng = seededRng(`${settings.seed}:${scene.id}`);
    const round = playScene(scene, settings, rng, evidence, projectSpent.get(scene.projectId) ?? 0);
    projectSpent.set(scene.projectId, (projectSpent.get(scene.projectId) ?? 0) + round.firstAssetCostUsd + round.roundCostUsd);
    return round;
  });
  return { rounds, evidence };
}

function playScene(scene: QualityScene, settings: RunSettings, rng: Rng, evidence: AttemptEvidence[], projectSpentBefore: number): RoundRecord {
  const policy = {
    ...DEFAULT_POLICY,
    learnedProviderChoice: settings.learned,
    minEvidence: settings.minEvidence,
    ...(settings.reviewCostUsd === undefined ? {} : { reviewCostUsd: settings.reviewCostUsd }),
  };
  const start = judgeAsset(qualityOf(scene.visualDirection, scene, scene.provider), settings, rng, `${scene.id}:0`, scene.contentType);
  const firstAssetCostUsd = generationUsd(scene.provider, scene) + start.judgments * JUDGMENT_USD;
  const record: RoundRecord = { scene, start, attempts: [], outcome: 'escalated', roundCostUsd: 0, firstAssetCostUsd, pairwiseQuestions: 0, pairwiseAnswers: [], compared: new Map(), overBudgetAttempts: 0 };
  if (start.score >= policy.minScoreToPass) return { ...record, outcome: 'passed_first' };

  const fallbackOrder = policy.providerFallbackOrder[scene.kind];
  const needs = sceneNeeds(scene, scene.provider);
  let current = { score: start.score, analysis: analysisOf(scene.visualDirection, scene, scene.provider, start.score) };
  for (let attemptNumber = 1; attemptNumber <= policy.maxAttempts; attemptNumber += 1) {
    const context: AttemptContext = {
      attemptNumber,
      roundProvider: scene.provider,
      usedThisRound: record.attempts.map((a) => a.provider),
      roundSpentUsd: record.roundCostUsd,
      currentScore: current.score,
      contentType: scene.contentType,
      needs,
      policy,
    };
    const fixed = settings.providerFor?.(scene, attemptNumber);
    // Every provider's key is configured and no breaker opens here: the plan's first candidate is the attempt's.
    const plan = fixed === undefined ? planAttempt(context, evidence, () => undefined, `${settings.seed}:${scene.id}/${attemptNumber}`) : undefined;
    if (plan !== undefined && plan.preferred === undefined) {
      record.outcome = 'not_worth_trying';
      break;
    }
    const provider = fixed !== undefined ? providerCandidates(fixed, fallbackOrder, needs).candidates[0] : plan!.candidates[0];
    const expectedUsd = expectedAttemptUsd({
      provider,
      kind: scene.kind,
      durationSeconds: scene.duration,
      judgments: settings.judging.judgmentsNearBar,
      comparisons: 1,
    });
    const verdict = mayStartAttempt({
      roundSpentUsd: record.roundCostUsd,
      maxCostUsd: settings.maxCostUsd,
      projectSpentUsd: projectSpentBefore + firstAssetCostUsd + record.roundCostUsd,
      projectBudgetUsd: settings.projectBudgetUsd,
      expectedUsd,
    });
    if (!verdict.start) {
      record.outcome = 'budget_exhausted';
      break;
    }
    const prompt = improvedPrompt({ attemptNumber, visualDirection: scene.visualDirection, analysis: current.analysis });
    const asset = judgeAsset(qualityOf(prompt, scene, provider), settings, rng, `${scene.id}:${attemptNumber}`, scene.contentType);
    const result = attemptOutcome(asset.score, current.score, policy, simulatedRecommendation(asset.score));
    const attempt: AttemptRecord = { attemptNumber, provider, asset, result, costUsd: generationUsd(provider, scene) + asset.judgments * JUDGMENT_USD };
    record.attempts.push(attempt);
    // As the workflow does (workflows/best-pick.ts): the best is named after every attempt
    // that did not pass, comparing the top two when they are within the band, each pair once.
    if (result !== 'success') attempt.costUsd += chooseBest(record, settings);
    record.roundCostUsd += attempt.costUsd;
    const roundOver = settings.maxCostUsd !== undefined && record.roundCostUsd > settings.maxCostUsd + 1e-9;
    const projectAfter = projectSpentBefore + firstAssetCostUsd + record.roundCostUsd;
    const projectOver = settings.projectBudgetUsd !== undefined && projectAfter > settings.projectBudgetUsd + 1e-9;
    if (roundOver || projectOver) record.overBudgetAttempts += 1;
    addEvidence(evidence, { provider, contentType: scene.contentType, kind: scene.kind, attemptNumber, scoreBefore: current.score, scoreAfter: asset.score });
    if (result === 'success') {
      record.outcome = 'passed';
      return record;
    }
    if (result === 'improved') current = { score: asset.score, analysis: analysisOf(prompt, scene, provider, asset.score) };
  }
  return record;
}

/**
 * Names the round's best by score alone and by the product's rule (asking the simulated judge for
 * a pairwise answer, in both orders, when the top two are within the band), and by the rule with
 * an exact comparer; returns what the comparison cost.
 */
function chooseBest(record: RoundRecord, settings: RunSettings): number {
  const judged = record.attempts.map((a) => ({
    attemptNumber: a.attemptNumber,
    scoreAfter: a.asset.score,
    assetUrl: 'judged',
    analysisResult: { overallScore: a.asset.score, recommendation: simulatedRecommendation(a.asset.score), issues: [] },
  }));
  const ranked = rankByScore(bestCandidates(record.start.score, judged));
  record.bestByScore = ranked[0];
  const band = settings.judging.uncertaintyBand;
  let costUsd = 0;
  let answers: readonly [PairwiseAnswer, PairwiseAnswer] | undefined;
  let exact: readonly [PairwiseAnswer, PairwiseAnswer] | undefined;
  if (needsPairwise(ranked, band)) {
    const key = pairKey(ranked[0], ranked[1]);
    const top = trueQualityOf(record, ranked[0].attemptNumber);
    const next = trueQualityOf(record, ranked[1].attemptNumber);
    exact = [pairwisePreference(top, next), pairwisePreference(next, top)];
    answers = record.compared.get(key);
    if (answers === undefined) {
      // A stream per pair, so the answers leave the judgments' noise as it was.
      const rng = seededRng(`${settings.seed}:${record.scene.id}:pairwise:${key}`);
      const comparer = settings.judge ?? EXACT_JUDGE;
      answers = [judgedPreference(top, next, comparer, rng), judgedPreference(next, top, comparer, rng)];
      if (top !== next) {
        const better = top > next ? ['first', 'second'] : ['second', 'first'];
        answers.forEach((answer, index) => record.pairwiseAnswers.push({ gap: Math.abs(top - next), right: answer === better[index] }));
      }
      record.compared.set(key, answers);
      record.pairwiseQuestions += 2;
      costUsd = JUDGMENTS_PER_COMPARISON * JUDGMENT_USD;
    }
  }
  record.bestPick = decideBest(ranked, band, answers);
  record.bestPickExactComparer = decideBest(ranked, band, exact);
  return costUsd;
}

/** The true quality of a candidate of the round. */
export function trueQualityOf(record: RoundRecord, attemptNumber: number | undefined): number {
  if (attemptNumber === undefined) return record.start.trueQuality;
  return record.attempts.find((a) => a.attemptNumber === attemptNumber)!.asset.trueQuality;
}

/** Whether the candidate is (one of) the truly best assets of the round. */
export function isTrulyBest(record: RoundRecord, attemptNumber: number | undefined): boolean {
  const best = Math.max(record.start.trueQuality, ...record.attempts.map((a) => a.asset.trueQuality));
  return trueQualityOf(record, attemptNumber) === best;
}
