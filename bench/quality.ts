/**
 * Benchmark 11, judging quality: `npm run bench -- quality [--seed N] [--seeds K] [--scenes N]
 * [--noise persistent=8,call=3,rho=0.5,pairwise=0.8,position=0.05] [--json]`
 * (bench/support/quality-args.ts). 300 synthetic scenes played through the product's rule modules
 * against the simulator's quality model (bench/support/quality-rounds.ts), under the judge
 * `--noise` names (default the realistic one), over `--seeds` seed sets (default 8) numbered from
 * `--seed`. Figures, each against its reference from the same run, as mean ± sd over the sets:
 * - judging near the bar: wrong
 *   pass/fail calls against the true quality (≤ 0.6× one judgment per asset, on the same assets
 *   and first judgments), those with the truth more than 3 points from the bar (≤ 0.4×), and the
 *   judgments it takes (≤ +80 %); with the judging as it was (the identical question again, the
 *   band and the median) and every asset judged from every view, on the same scenes and noise;
 * - how often the best of a round that ends without a pass is the truly best asset, on the
 *   judging runs' rounds: the product's pick (the simulator's pairwise comparer, right less often
 *   on close pairs and preferring the first position, asked near the top) against the highest
 *   score alone; target ≥ +10 points;
 * - the provider choice by expected value against the static map over the same storyboard (the
 *   evidence comes from a first run with the static map): total cost per passed round, reviews
 *   included, ≤ 0.75×, no content type passing more than 1 point fewer;
 * - calibration against the simulated reviewer's hidden bars;
 * - budgets: no round and no project over its budget.
 * With `--json` the last line is one object: the settings and every figure.
 */
import { DEFAULT_REVIEWER_BARS, DEFAULT_REVIEWER_SIGMA, seededRng, simulatedReview } from '../src/sim/judge/quality-model';
import { fitAcceptance } from '../src/rules/calibration';
import { DEFAULT_POLICY, JUDGING_DEFAULTS } from '../src/rules/policy';
import { isTrulyBest, playStoryboard, storyboard, JUDGMENT_USD, type RecordedJudgment, type RoundRecord, type RunSettings } from './support/quality-rounds';
import { noiseSpec, parseQualityArgs, QualityArgsError } from './support/quality-args';
import { fmt, report, runBench, type Figure } from './support/result';

function argsOrExit() {
  try {
    return parseQualityArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof QualityArgsError)) throw error;
    console.error(error.message);
    process.exit(2);
  }
}

const ARGS = argsOrExit();
const SCENES = ARGS.scenes;
const SEED_SETS = ARGS.seeds;
const NOISE = ARGS.noise;
/** The seed sets' numbers, from `--seed` on. */
const SEED_NUMBERS = Array.from({ length: SEED_SETS }, (_, index) => ARGS.seed + index);
const MIN_EVIDENCE = 20;
const BENCH = 'quality';

const judging = { minScoreToPass: 70, ...JUDGING_DEFAULTS };
// `judge` stands in for `sigma` (RunSettings): every figure is under the judge `--noise` names.
const base: RunSettings = { sigma: NOISE.callSigma, judge: NOISE, seed: 'quality-1', judging, learned: false, minEvidence: MIN_EVIDENCE };
const NOISE_LINE = `judge ${noiseSpec(NOISE)}`;

function judgedAssets(rounds: readonly RoundRecord[]) {
  return rounds.flatMap((r) => [r.start, ...r.attempts.map((a) => a.asset)]);
}

/** A call counts as far off when the truth is more than this many points from the bar. */
const FAR_POINTS = 3;

/** Wrong pass/fail calls against the true quality: the judging's and one judgment's, on the same assets and first judgments. */
function wrongCalls(rounds: readonly RoundRecord[]) {
  const assets = judgedAssets(rounds);
  const bar = judging.minScoreToPass;
  const wrong = (score: number, q: number) => score >= bar !== q >= bar;
  const far = (q: number) => Math.abs(q - bar) > FAR_POINTS;
  return {
    wrong: assets.filter((a) => wrong(a.score, a.trueQuality)).length,
    single: assets.filter((a) => wrong(a.firstScore, a.trueQuality)).length,
    wrongFar: assets.filter((a) => far(a.trueQuality) && wrong(a.score, a.trueQuality)).length,
    singleFar: assets.filter((a) => far(a.trueQuality) && wrong(a.firstScore, a.trueQuality)).length,
    judgments: assets.reduce((sum, a) => sum + a.judgments, 0),
    assets: assets.length,
  };
}

type Calls = ReturnType<typeof wrongCalls>;

/**
 * The storyboard under the product's judging (each look another view, combined with the content
 * type's history, carried in from a first run of the storyboard), once per seed set; with, on the
 * same scenes and noise, the judging as it was before (the identical question asked again, band
 * and median) and every asset judged from every view.
 */
function judgingRuns() {
  const scenes = storyboard(SCENES);
  return SEED_NUMBERS.map((number) => {
    const recorded = new Map<string, RecordedJudgment[][]>();
    playStoryboard(scenes, { ...base, seed: `quality-judging-warm-up-${number}`, viewsAndHistory: { recorded } });
    const seed = `quality-judging-${number}`;
    const copy = () => new Map([...recorded].map(([contentType, lists]) => [contentType, [...lists]]));
    const rounds = playStoryboard(scenes, { ...base, seed, viewsAndHistory: { recorded: copy() } }).rounds;
    const before = wrongCalls(playStoryboard(scenes, { ...base, seed }).rounds);
    // The same history, but every asset judged from every view the cap allows: what judging more often alone reaches.
    const bound = wrongCalls(playStoryboard(scenes, { ...base, seed, viewsAndHistory: { recorded: copy(), everyAssetFully: true } }).rounds);
    return { rounds, now: wrongCalls(rounds), before, bound };
  });
}

type JudgingRun = ReturnType<typeof judgingRuns>[number];

/** Judging near the bar over the seed sets: the product's judging against one judgment per asset on the same assets. */
function judgingFigures(sets: readonly JudgingRun[]): Figure[] {
  const ratio = (pick: (c: Calls) => number, of: (c: Calls) => number) => (c: Calls) => pick(c) / of(c);
  const wrongRatio = ratio((c) => c.wrong, (c) => c.single);
  const farRatio = ratio((c) => c.wrongFar, (c) => c.singleFar);
  const extra = (c: Calls) => c.judgments / c.assets - 1;
  const over = (f: (c: Calls) => number, which: 'now' | 'before' | 'bound') => meanSd(sets.map((s) => f(s[which])));
  const sum = (f: (c: Calls) => number, which: 'now' | 'before') => sets.reduce((acc, s) => acc + f(s[which]), 0);
  const wrong = over(wrongRatio, 'now');
  const far = over(farRatio, 'now');
  const cost = over(extra, 'now');
  const each = (f: (c: Calls) => number) => sets.map((s) => fmt(f(s.now))).join(', ');
  const beforeLine = `before (the identical question asked again, band ±${judging.uncertaintyBand}, median of up to ${judging.judgmentsNearBar}): wrong ${fmt(over(wrongRatio, 'before').mean)}× ± ${fmt(over(wrongRatio, 'before').sd)}, off by more than ${FAR_POINTS} points ${fmt(over(farRatio, 'before').mean)}× ± ${fmt(over(farRatio, 'before').sd)}, judging +${fmt(100 * over(extra, 'before').mean)} %`;
  const setup = `${SEED_SETS} seed sets × ${SCENES} scenes, ${NOISE_LINE}`;
  const boundLine = `every asset judged from all ${judging.judgmentsNearBar} views and combined (what more judgments alone reach): wrong ${fmt(over(wrongRatio, 'bound').mean)}× ± ${fmt(over(wrongRatio, 'bound').sd)} (each: ${sets.map((set) => fmt(wrongRatio(set.bound))).join(', ')}), off by more than ${FAR_POINTS} points ${fmt(over(farRatio, 'bound').mean)}×, judging +${fmt(100 * over(extra, 'bound').mean)} %`;
  const limit = `the persistent error the views share (ρ ${NOISE.viewCorrelation} of its variance): another look removes only the rest, so ${judging.judgmentsNearBar} views leave a judgment error of σ ${fmt(Math.sqrt(NOISE.persistentSigma ** 2 * (NOISE.viewCorrelation + (1 - NOISE.viewCorrelation) / judging.judgmentsNearBar) + NOISE.callSigma ** 2 / judging.judgmentsNearBar))} against one judgment's ${fmt(Math.sqrt(NOISE.persistentSigma ** 2 + NOISE.callSigma ** 2))}; only people's verdicts (calibration) can see the shared part`;
  return [
    {
      bench: BENCH,
      name: `wrong pass/fail calls, views and history (${setup})`,
      value: sum((c) => c.wrong, 'now'),
      unit: 'calls',
      reference: { name: 'one judgment per asset', value: sum((c) => c.single, 'now'), unit: 'calls' },
      ratio: wrong.mean,
      target: '≤ 0.6× (mean over the seed sets)',
      met: wrong.mean <= 0.6,
      limitedBy: wrong.mean <= 0.6 ? undefined : limit,
      notes: [`ratio ${fmt(wrong.mean)}× ± ${fmt(wrong.sd)} (each: ${each(wrongRatio)})`, beforeLine, boundLine],
      json: { wrongCallsRatio: wrong.mean },
    },
    {
      bench: BENCH,
      name: `calls wrong with the truth more than ${FAR_POINTS} points from the bar (${setup})`,
      value: sum((c) => c.wrongFar, 'now'),
      unit: 'calls',
      reference: { name: 'one judgment per asset', value: sum((c) => c.singleFar, 'now'), unit: 'calls' },
      ratio: far.mean,
      target: '≤ 0.4×',
      met: far.mean <= 0.4,
      limitedBy: far.mean <= 0.4 ? undefined : limit,
      notes: [`ratio ${fmt(far.mean)}× ± ${fmt(far.sd)} (each: ${each(farRatio)})`, boundLine],
      json: { wrongBy3Ratio: far.mean },
    },
    {
      bench: BENCH,
      name: `judging cost: judgments per judged asset (${setup})`,
      value: 1 + cost.mean,
      unit: 'judgments',
      reference: { name: 'one judgment per asset', value: 1, unit: 'judgments' },
      ratio: 1 + cost.mean,
      target: '≤ 1.8× (+80 %)',
      met: cost.mean <= 0.8,
      limitedBy: cost.mean <= 0.8 ? undefined : 'the judgments the stop rule asks for near the bar',
      json: { judgingCostIncrease: cost.mean },
      notes: [`+${fmt(100 * cost.mean)} % ± ${fmt(100 * cost.sd)} (each: ${each((c) => 100 * extra(c))} %), about $${fmt(JUDGMENT_USD)} a judgment at claude-sonnet-4-6`],
    },
  ];
}

/** One seed set's best picks in the rounds that ended without a pass, and its comparer's answers. */
function bestPicks(rounds: readonly RoundRecord[]) {
  const ended = rounds.filter((r) => r.outcome !== 'passed' && r.bestPick !== undefined);
  const share = (hit: (r: RoundRecord) => boolean) => (100 * ended.filter(hit).length) / ended.length;
  const close = rounds.flatMap((r) => r.pairwiseAnswers).filter((a) => a.gap <= judging.uncertaintyBand);
  return {
    ended: ended.length,
    byRule: share((r) => isTrulyBest(r, r.bestPick!.attemptNumber)),
    byScore: share((r) => isTrulyBest(r, r.bestByScore!.attemptNumber)),
    byExactComparer: share((r) => isTrulyBest(r, r.bestPickExactComparer!.attemptNumber)),
    asked: ended.filter((r) => r.pairwiseQuestions > 0).length,
    split: ended.filter((r) => r.bestPick!.reason === 'pairwise_split').length,
    closeAccuracy: close.length === 0 ? NaN : (100 * close.filter((a) => a.right).length) / close.length,
    closeAnswers: close.length,
  };
}

/**
 * How often the best of a round that ends without a pass is truly the best, on the judging runs'
 * rounds (the product's judging under `--noise`): the product's pick, with the simulator's
 * pairwise comparer, against the highest score alone; and, as the bound, the same rule with a
 * comparer that is always right on the same candidates.
 */
function bestPickFigure(roundsPerSet: readonly (readonly RoundRecord[])[]): Figure {
  const sets = roundsPerSet.map(bestPicks);
  const over = (f: (s: (typeof sets)[number]) => number) => meanSd(sets.map(f));
  const [byRule, byScore] = [over((s) => s.byRule), over((s) => s.byScore)];
  const gain = over((s) => s.byRule - s.byScore);
  const exactGain = over((s) => s.byExactComparer - s.byScore);
  const accuracy = over((s) => s.closeAccuracy);
  const sum = (f: (s: (typeof sets)[number]) => number) => sets.reduce((acc, s) => acc + f(s), 0);
  const met = gain.mean >= 10;
  const comparer = `the comparer's accuracy on close pairs (true gap ≤ ${judging.uncertaintyBand} points): ${fmt(accuracy.mean)} % ± ${fmt(accuracy.sd)} of ${sum((s) => s.closeAnswers)} answers`;
  return {
    bench: BENCH,
    name: `rounds ending without a pass whose best is truly the best (${SEED_SETS} seed sets × ${SCENES} scenes, ${sum((s) => s.ended)} rounds, ${NOISE_LINE})`,
    value: byRule.mean,
    unit: '%',
    reference: { name: 'highest score alone', value: byScore.mean, unit: '%' },
    ratio: byRule.mean / byScore.mean,
    json: { bestPickGainPoints: gain.mean },
    target: '≥ +10 points (mean over the seed sets)',
    met,
    limitedBy: met
      ? undefined
      : `the comparer and which pairs it sees: with an always-right comparer on the same rounds the gain is +${fmt(exactGain.mean)} ± ${fmt(exactGain.sd)} points (only the top two within ±${judging.uncertaintyBand} are compared); ${comparer}, and in ${sum((s) => s.split)} rounds its two orders disagreed, so the higher score stood`,
    notes: [
      `gain: ${fmt(gain.mean)} ± ${fmt(gain.sd)} points (each: ${sets.map((s) => fmt(s.byRule - s.byScore)).join(', ')}); product's pick ${fmt(byRule.mean)} % ± ${fmt(byRule.sd)}, highest score ${fmt(byScore.mean)} % ± ${fmt(byScore.sd)}`,
      `always-right comparer on the same rounds: ${fmt(over((s) => s.byExactComparer).mean)} %, +${fmt(exactGain.mean)} ± ${fmt(exactGain.sd)} points`,
      comparer,
      `pairwise asked in ${sum((s) => s.asked)} of ${sum((s) => s.ended)} rounds; the two orders disagreed in ${sum((s) => s.split)}`,
    ],
  };
}

/**
 * The provider choice by expected value against the static map: over `SEED_SETS` seed
 * sets, each a first run with the static map (the evidence), then the storyboard again with each
 * choice on the same noise. The cost of a round that ends without a
 * pass includes the person's review it needs (policy.reviewCostUsd), since that is what a pass saves.
 */
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
  const sets = SEED_NUMBERS.map((number) => {
    const warmUp = playStoryboard(scenes, { ...base, seed: `quality-choice-warm-up-${number}` });
    const seed = `quality-choice-${number}`;
    const fixedRounds = playStoryboard(scenes, { ...base, seed, evidence: warmUp.evidence, learned: false }).rounds;
    const chosenRounds = playStoryboard(scenes, { ...base, seed, evidence: warmUp.evidence, learned: true }).rounds;
    const dearerReview = roundTotals(
      playStoryboard(scenes, { ...base, seed, evidence: warmUp.evidence, learned: true, reviewCostUsd: 2 * REVIEW_USD }).rounds,
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
    name: `total cost per passed round (generation, judging, $${REVIEW_USD} per review), provider choice by expected value (${SCENES} scenes × ${SEED_SETS} seed sets, ${NOISE_LINE}, after a first run)`,
    value: chosenPerPass.mean,
    unit: 'USD',
    reference: { name: 'static provider map', value: fixedPerPass.mean, unit: 'USD' },
    ratio: ratio.mean,
    json: { costPerPassRatio: ratio.mean, worstContentTypePassDelta: -worstPoints },
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

/** Verdicts per content type the calibration target names. */
const VERDICTS = 100;
const BAR_POINTS = 3;

/**
 * People's verdicts as the product gets them: on each round's outcome, in storyboard order: the
 * round's best when it escalates, the passed asset when it passes (an audit; every passed scene
 * here rather than 2 %, so that 100 verdicts come within a few runs). Each is on the score the
 * product recorded, by the simulated reviewer (its hidden bar per content type and its own noise).
 */
function verdictsOf(rounds: readonly RoundRecord[], rng: ReturnType<typeof seededRng>) {
  return rounds.map((r) => {
    const last = r.attempts.at(-1);
    const passedAsset = r.outcome === 'passed_first' ? r.start : r.outcome === 'passed' ? last?.asset : undefined;
    const best = r.bestByScore?.attemptNumber === undefined ? r.start : r.attempts.find((a) => a.attemptNumber === r.bestByScore!.attemptNumber)!.asset;
    const asset = passedAsset ?? best;
    const review = simulatedReview(asset.trueQuality, r.scene.contentType, { bars: DEFAULT_REVIEWER_BARS, sigma: DEFAULT_REVIEWER_SIGMA }, rng);
    return {
      contentType: r.scene.contentType,
      verdict: { score: asset.score, accepted: review.approve, judgePassed: passedAsset !== undefined },
      overrated: asset.score - asset.trueQuality,
    };
  });
}

/**
 * Calibration: per content type, the first 100 verdicts of runs of the storyboard under
 * the judge `--noise` names (verdictsOf), the calibrated bar (src/rules/calibration.ts) against the
 * reviewer's hidden one, over the seed sets.
 */
function calibrationFigure(): Figure {
  const scenes = storyboard(SCENES);
  const contentTypes = [...new Set(scenes.map((s) => s.contentType))];
  const runsNeeded = Math.ceil(VERDICTS / (SCENES / contentTypes.length));
  const sets = SEED_NUMBERS.map((number) => {
    const seed = `quality-calibration-${number}`;
    const rng = seededRng(`${seed}:reviews`);
    const verdicts = Array.from({ length: runsNeeded }, (_, run) =>
      verdictsOf(playStoryboard(scenes, { ...base, seed: `${seed}-run-${run + 1}` }).rounds, rng),
    ).flat();
    return contentTypes.map((contentType) => {
      const first = verdicts.filter((v) => v.contentType === contentType).slice(0, VERDICTS);
      const own = first.map((v) => v.verdict);
      const midpoint = fitAcceptance(own)?.midpoint;
      const accepted = own.filter((v) => v.accepted).length;
      const overrated = first.reduce((sum, v) => sum + v.overrated, 0) / first.length;
      return { contentType, verdicts: own.length, accepted, overrated, error: midpoint === undefined ? Infinity : midpoint - DEFAULT_REVIEWER_BARS[contentType] };
    });
  });
  const perType = contentTypes.map((contentType, i) => {
    const errors = sets.map((set) => set[i].error);
    const accepted = sets.reduce((sum, set) => sum + set[i].accepted, 0) / sets.length;
    const overrated = sets.reduce((sum, set) => sum + set[i].overrated, 0) / sets.length;
    return { contentType, meanAbs: errors.reduce((sum, e) => sum + Math.abs(e), 0) / errors.length, errors, accepted, overrated };
  });
  const worst = perType.reduce((a, b) => (b.meanAbs > a.meanAbs ? b : a));
  const within = sets.flat().filter((c) => Math.abs(c.error) <= BAR_POINTS).length;
  const met = worst.meanAbs <= BAR_POINTS;
  return {
    bench: BENCH,
    name: `calibrated bar against the simulated reviewer's hidden bar after ${VERDICTS} verdicts per content type (${SEED_SETS} seed sets, ${NOISE_LINE})`,
    value: worst.meanAbs,
    unit: 'points off (worst content type, mean over the seed sets)',
    json: { calibrationMaxError: worst.meanAbs },
    target: `within ±${BAR_POINTS} points for each content type`,
    met,
    limitedBy: met
      ? undefined
      : `which assets people see: a round's best and a passed asset were chosen for their high judged score, which overstates their true quality (by ${fmt(worst.overrated)} points on ${worst.contentType}'s verdicts), so people accept half the time at a judged score above their own bar; ${worst.contentType}'s reviewers accepted ${fmt(worst.accepted)} of ${VERDICTS}, leaving the curve little to rest on above it. The calibrated bar is the judged score people accept (what a round needs); the hidden bar in true quality is out of its reach on these verdicts`,
    notes: [
      `per content type, mean |calibrated − hidden| (each seed set's signed error): ${perType.map((t) => `${t.contentType} ${fmt(t.meanAbs)} (${t.errors.map((e) => fmt(e)).join(', ')}), ${fmt(t.accepted)} accepted, judged ${fmt(t.overrated)} above true`).join('; ')}`,
      `${within} of ${sets.flat().length} (content type, seed set) within ±${BAR_POINTS}`,
    ],
  };
}

function budgetFigure(): Figure {
  const maxCostUsd = 1.5;
  const projectBudgetUsd = 15;
  const scenes = storyboard(SCENES);
  const sets = SEED_NUMBERS.map((number) => {
    const { rounds } = playStoryboard(scenes, { ...base, seed: `quality-budget-${number}`, maxCostUsd, projectBudgetUsd });
    const projects = new Map<number, number>();
    for (const r of rounds) projects.set(r.scene.projectId, (projects.get(r.scene.projectId) ?? 0) + r.firstAssetCostUsd + r.roundCostUsd);
    return {
      over: rounds.reduce((sum, r) => sum + r.overBudgetAttempts, 0),
      stopped: rounds.filter((r) => r.outcome === 'budget_exhausted').length,
      maxRound: Math.max(...rounds.map((r) => r.roundCostUsd)),
      maxProject: Math.max(...projects.values()),
    };
  });
  const over = sets.reduce((sum, s) => sum + s.over, 0);
  const stopped = meanSd(sets.map((s) => s.stopped));
  return {
    bench: BENCH,
    name: `attempts that took a round or project past its budget ($${maxCostUsd} a round, $${projectBudgetUsd} a project of 30 scenes; ${SEED_SETS} seed sets, ${NOISE_LINE})`,
    value: over,
    unit: 'attempts',
    target: '0',
    met: over === 0,
    json: { budgetOverruns: over },
    notes: [
      `${fmt(stopped.mean)} ± ${fmt(stopped.sd)} rounds a seed set stopped with budget_exhausted; dearest round $${fmt(Math.max(...sets.map((s) => s.maxRound)))}, dearest project $${fmt(Math.max(...sets.map((s) => s.maxProject)))} (first assets included: the pipeline makes them before any budget applies)`,
    ],
  };
}

runBench(async () => {
  console.log(`${SCENES} scenes × ${SEED_SETS} seed sets from seed ${ARGS.seed}, ${NOISE_LINE}, band ±${judging.uncertaintyBand}, up to ${judging.judgmentsNearBar} judgments`);
  const runs = judgingRuns();
  const figures = [...judgingFigures(runs), bestPickFigure(runs.map((run) => run.rounds)), choiceFigure(), calibrationFigure(), budgetFigure()];
  for (const figure of figures) report(figure);
  return figures;
}, () => ({ seed: ARGS.seed, seeds: SEED_SETS, scenes: SCENES, noise: NOISE }));
