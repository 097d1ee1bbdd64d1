/**
 * Benchmark 11, judging quality: `npm run bench -- quality`. 300 synthetic scenes played through
 * the product's rule modules against the simulator's quality model (bench/support/quality-rounds.ts),
 * with a judge whose scores carry noise σ = 6. Four figures, each against its reference from the
 * same run:
 * - wrong pass/fail calls (against the true quality) with the uncertainty band, against one
 *   judgment per asset, on the same assets and the same first judgments; target ≤ 0.5×; with
 *   what three judgments of every asset reach;
 * - how often the round's best is the truly best asset, the product's pick (pairwise near the
 *   top) against the highest score alone; target ≥ +15 points;
 * - the provider choice by expected value against the static map over the same storyboard, under
 *   the realistic judge, over BENCH_QUALITY_SEEDS seed sets (default 8; the evidence comes from a
 *   first run with the static map): total cost per passed round, reviews included, ≤ 0.75×
 *   (mean ± sd), no content type passing more than 1 point fewer;
 * - budgets: no round and no project over its budget.
 */
import { REALISTIC_JUDGE } from '../src/sim/judge/quality-model';
import { DEFAULT_POLICY, JUDGING_DEFAULTS } from '../src/rules/policy';
import { isTrulyBest, playStoryboard, storyboard, JUDGMENT_USD, type RoundRecord, type RunSettings } from './support/quality-rounds';
import { fmt, report, runBench, type Figure } from './support/result';

const SCENES = Number(process.env.BENCH_QUALITY_SCENES ?? 300);
const SIGMA = 6;
const MIN_EVIDENCE = 20;
const BENCH = 'quality';

const judging = { minScoreToPass: 70, ...JUDGING_DEFAULTS };
const base: RunSettings = { sigma: SIGMA, seed: 'quality-1', judging, learned: false, minEvidence: MIN_EVIDENCE };

function judgedAssets(rounds: readonly RoundRecord[]) {
  return rounds.flatMap((r) => [r.start, ...r.attempts.map((a) => a.asset)]);
}

/** A wider band with more judgments, as a policy may set them: what the target asks for costs this. */
const WIDER = { uncertaintyBand: 8, judgmentsNearBar: 5 };

function wrongCalls(rounds: readonly RoundRecord[]): { withBand: number; single: number; extra: number; assets: number } {
  const assets = judgedAssets(rounds);
  const wrong = (score: number, q: number) => score >= judging.minScoreToPass !== q >= judging.minScoreToPass;
  return {
    withBand: assets.filter((a) => wrong(a.score, a.trueQuality)).length,
    single: assets.filter((a) => wrong(a.firstScore, a.trueQuality)).length,
    extra: assets.reduce((sum, a) => sum + a.judgments - 1, 0),
    assets: assets.length,
  };
}

/**
 * Every asset judged three times (a band no score falls outside), the median its score: how far
 * three judgments narrow the noise, measured in the run rather than argued.
 */
const EVERY_ASSET_THRICE = { uncertaintyBand: 100, judgmentsNearBar: 3 };

function judgingFigure(rounds: readonly RoundRecord[]): Figure {
  const wider = wrongCalls(playStoryboard(storyboard(SCENES), { ...base, judging: { ...judging, ...WIDER } }).rounds);
  const thrice = wrongCalls(playStoryboard(storyboard(SCENES), { ...base, judging: { ...judging, ...EVERY_ASSET_THRICE } }).rounds);
  const thriceRatio = thrice.withBand / thrice.single;
  const { withBand, single, extra, assets } = wrongCalls(rounds);
  const ratio = withBand / single;
  return {
    bench: BENCH,
    name: `wrong pass/fail calls over ${assets} judged assets, band ±${judging.uncertaintyBand} (up to ${judging.judgmentsNearBar} judgments)`,
    value: withBand,
    unit: 'calls',
    reference: { name: 'one judgment per asset', value: single, unit: 'calls' },
    ratio,
    target: '≤ 0.5×',
    met: ratio <= 0.5,
    limitedBy:
      ratio <= 0.5
        ? undefined
        : `the defaults' three judgments: even three judgments of every asset only reach ${fmt(thriceRatio)}× (a median of 3 draws narrows σ by about 1.5×, not 2×), so ≤ 0.5× needs more judgments than the defaults allow; the wider policy line shows what meets it and at what cost`,
    notes: [
      `extra judgments: ${extra} (+${fmt((100 * extra) / assets)}% over one judgment per asset), about $${fmt(extra * JUDGMENT_USD)} at claude-sonnet-4-6`,
      `with policy uncertaintyBand ${WIDER.uncertaintyBand} and judgmentsNearBar ${WIDER.judgmentsNearBar}: ${wider.withBand} wrong against ${wider.single} (${fmt(wider.withBand / wider.single)}×), +${fmt((100 * wider.extra) / wider.assets)}% judgments`,
      `every asset judged ${EVERY_ASSET_THRICE.judgmentsNearBar} times (band covering every score), median: ${thrice.withBand} wrong against ${thrice.single} (${fmt(thriceRatio)}×), +${fmt((100 * thrice.extra) / thrice.assets)}% judgments`,
    ],
  };
}

function bestPickFigure(rounds: readonly RoundRecord[]): Figure {
  const ended = rounds.filter((r) => r.outcome !== 'passed' && r.bestPick !== undefined);
  const share = (hit: (r: RoundRecord) => boolean) => (100 * ended.filter(hit).length) / ended.length;
  const byRule = share((r) => isTrulyBest(r, r.bestPick!.attemptNumber));
  const byScore = share((r) => isTrulyBest(r, r.bestByScore!.attemptNumber));
  const asked = ended.filter((r) => r.pairwiseQuestions > 0).length;
  return {
    bench: BENCH,
    name: `rounds ending without a pass whose best is truly the best (${ended.length} rounds)`,
    value: byRule,
    unit: '%',
    reference: { name: 'highest score alone', value: byScore, unit: '%' },
    ratio: byRule / byScore,
    target: '≥ +15 points',
    met: byRule - byScore >= 15,
    limitedBy: byRule - byScore >= 15 ? undefined : 'the score alone is already right when the top two are more than the band apart, which most are',
    notes: [`difference: ${fmt(byRule - byScore)} points`, `pairwise asked in ${asked} of ${ended.length} rounds`],
  };
}

/**
 * The provider choice by expected value against the static map (issue 24): over `SEED_SETS` seed
 * sets, each a first run with the static map (the evidence), then the storyboard again with each
 * choice on the same noise, under the realistic judge. The cost of a round that ends without a
 * pass includes the person's review it needs (policy.reviewCostUsd), since that is what a pass saves.
 */
const SEED_SETS = Number(process.env.BENCH_QUALITY_SEEDS ?? 8);
const REVIEW_USD = DEFAULT_POLICY.reviewCostUsd ?? 3;

/** Rounds only (the first assets are the same under both choices): spend, passes, escalations. */
function roundTotals(rounds: readonly RoundRecord[]) {
  const run = rounds.filter((r) => r.outcome !== 'passed_first');
  const passed = run.filter((r) => r.outcome === 'passed').length;
  const spentUsd = run.reduce((sum, r) => sum + r.roundCostUsd, 0);
  return { rounds: run.length, passed, escalated: run.length - passed, spentUsd, totalUsd: spentUsd + (run.length - passed) * REVIEW_USD };
}

type Totals = ReturnType<typeof roundTotals>;

const perPass = (t: Totals) => t.totalUsd / t.passed;

function meanSd(values: readonly number[]): { mean: number; sd: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd = values.length > 1 ? Math.sqrt(values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (values.length - 1)) : 0;
  return { mean, sd };
}

const passRate = (rounds: readonly RoundRecord[], ct: string) => {
  const t = roundTotals(rounds.filter((r) => r.scene.contentType === ct));
  return (100 * t.passed) / Math.max(1, t.rounds);
};

function choiceFigure(): Figure {
  const scenes = storyboard(SCENES);
  const contentTypes = [...new Set(scenes.map((s) => s.contentType))];
  const realistic: RunSettings = { ...base, judge: REALISTIC_JUDGE };
  const sets = Array.from({ length: SEED_SETS }, (_, index) => {
    const warmUp = playStoryboard(scenes, { ...realistic, seed: `quality-choice-warm-up-${index + 1}` });
    const seed = `quality-choice-${index + 1}`;
    const fixedRounds = playStoryboard(scenes, { ...realistic, seed, evidence: warmUp.evidence, learned: false }).rounds;
    const chosenRounds = playStoryboard(scenes, { ...realistic, seed, evidence: warmUp.evidence, learned: true }).rounds;
    const dearerReview = roundTotals(
      playStoryboard(scenes, { ...realistic, seed, evidence: warmUp.evidence, learned: true, reviewCostUsd: 2 * REVIEW_USD }).rounds,
    );
    const [fixed, chosen] = [roundTotals(fixedRounds), roundTotals(chosenRounds)];
    const notWorth = chosenRounds.filter((r) => r.outcome === 'not_worth_trying').length;
    const dropPoints = contentTypes.map((ct) => passRate(fixedRounds, ct) - passRate(chosenRounds, ct));
    const repeated = chosenRounds.filter((r) => r.attempts.length === 3 && r.attempts[1].provider === r.attempts[2].provider).length;
    const threeAttempts = chosenRounds.filter((r) => r.attempts.length === 3).length;
    return {
      fixed,
      chosen,
      ratio: perPass(chosen) / perPass(fixed),
      dearerReviewRatio: perPass(dearerReview) / perPass(fixed),
      dearerReviewPassed: dearerReview.passed,
      spendRatio: chosen.spentUsd / fixed.spentUsd,
      // What no provider choice can go below while it passes as many rounds: the reviews alone.
      reviewsOnly: (fixed.escalated * REVIEW_USD) / fixed.passed / perPass(fixed),
      notWorth,
      dropPoints,
      repeatedShare: threeAttempts > 0 ? repeated / threeAttempts : 0,
    };
  });
  const ratio = meanSd(sets.map((s) => s.ratio));
  // Each content type's drop in pass rate, mean over the seed sets; the worst of them.
  const drops = contentTypes.map((ct, i) => ({ ct, points: meanSd(sets.map((s) => s.dropPoints[i])).mean }));
  const worst = drops.reduce((a, b) => (b.points > a.points ? b : a));
  const worstPoints = worst.points;
  const met = ratio.mean <= 0.75 && worstPoints <= 1;
  const sum = (pick: (s: (typeof sets)[number]) => number) => sets.reduce((acc, s) => acc + pick(s), 0);
  const fixedPerPass = meanSd(sets.map((s) => perPass(s.fixed)));
  const chosenPerPass = meanSd(sets.map((s) => perPass(s.chosen)));
  const reviewsOnly = meanSd(sets.map((s) => s.reviewsOnly));
  const spend = meanSd(sets.map((s) => s.spendRatio));
  // With as many passes as the static map, the ratio is reviews + spend × (1 − reviews): the spend 0.75× needs.
  const spendNeeded = (0.75 - reviewsOnly.mean) / (1 - reviewsOnly.mean);
  const dearer = meanSd(sets.map((s) => s.dearerReviewRatio));
  return {
    bench: BENCH,
    name: `total cost per passed round (generation, judging, $${REVIEW_USD} per review), provider choice by expected value (${SCENES} scenes × ${SEED_SETS} seed sets, realistic judge, after a first run)`,
    value: chosenPerPass.mean,
    unit: 'USD',
    reference: { name: 'static provider map', value: fixedPerPass.mean, unit: 'USD' },
    ratio: ratio.mean,
    target: '≤ 0.75× (mean over the seed sets), no content type passing more than 1 point fewer',
    met,
    limitedBy: met
      ? undefined
      : `the reviews: ${fmt(100 * reviewsOnly.mean)} % of the static map's cost per pass is the $${REVIEW_USD} review of each round that does not pass, which no provider choice removes without passing more rounds; with as many passes, 0.75× needs generation and judging at ≤ ${fmt(spendNeeded)}× of the static map's, and the choice reached ${fmt(spend.mean)}× ± ${fmt(spend.sd)} while passing fewer (a pass valued at one review makes slim chances not worth their price: rounds stop not_worth_trying); worst content type, ${worst.ct}, passes ${fmt(worstPoints)} points fewer`,
    notes: [
      `ratio over the seed sets: ${fmt(ratio.mean)}× ± ${fmt(ratio.sd)} (each: ${sets.map((s) => fmt(s.ratio)).join(', ')})`,
      `per passed round: $${fmt(chosenPerPass.mean)} ± ${fmt(chosenPerPass.sd)} against $${fmt(fixedPerPass.mean)} ± ${fmt(fixedPerPass.sd)}`,
      `passed rounds: ${sum((s) => s.chosen.passed)} against ${sum((s) => s.fixed.passed)}; escalated ${sum((s) => s.chosen.escalated)} against ${sum((s) => s.fixed.escalated)}, ${sum((s) => s.notWorth)} of them not_worth_trying`,
      `pass rate, points fewer than the static map's (mean over the seed sets): ${drops.map((d) => `${d.ct} ${fmt(d.points)}`).join(', ')}`,
      `with policy.reviewCostUsd $${2 * REVIEW_USD} (a pass valued at two reviews): ${fmt(dearer.mean)}× ± ${fmt(dearer.sd)}, ${sum((s) => s.dearerReviewPassed)} passed rounds`,
      `attempts 2 and 3 on the same provider: ${fmt(100 * meanSd(sets.map((s) => s.repeatedShare)).mean)} % of three-attempt rounds`,
    ],
  };
}

function budgetFigure(): Figure {
  const maxCostUsd = 1.5;
  const projectBudgetUsd = 15;
  const { rounds } = playStoryboard(storyboard(SCENES), { ...base, seed: 'quality-budget', maxCostUsd, projectBudgetUsd });
  const over = rounds.reduce((sum, r) => sum + r.overBudgetAttempts, 0);
  const projects = new Map<number, number>();
  for (const r of rounds) projects.set(r.scene.projectId, (projects.get(r.scene.projectId) ?? 0) + r.firstAssetCostUsd + r.roundCostUsd);
  const stopped = rounds.filter((r) => r.outcome === 'budget_exhausted').length;
  const maxRound = Math.max(...rounds.map((r) => r.roundCostUsd));
  const maxProject = Math.max(...projects.values());
  return {
    bench: BENCH,
    name: `attempts that took a round or project past its budget ($${maxCostUsd} a round, $${projectBudgetUsd} a project of 30 scenes)`,
    value: over,
    unit: 'attempts',
    target: '0',
    met: over === 0,
    notes: [
      `${stopped} rounds stopped with budget_exhausted; dearest round $${fmt(maxRound)}, dearest project $${fmt(maxProject)} (first assets included: the pipeline makes them before any budget applies)`,
    ],
  };
}

runBench(async () => {
  console.log(`${SCENES} scenes, judge noise σ = ${SIGMA}, band ±${judging.uncertaintyBand}, up to ${judging.judgmentsNearBar} judgments`);
  const { rounds } = playStoryboard(storyboard(SCENES), base);
  const figures = [judgingFigure(rounds), bestPickFigure(rounds), choiceFigure(), budgetFigure()];
  for (const figure of figures) report(figure);
  return figures;
});
