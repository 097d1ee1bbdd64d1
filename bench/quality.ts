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
 * - the learned provider choice against the static map over the same storyboard (the evidence
 *   comes from a first run of it with the static map): cost per passed scene ≤ 0.8×, pass rate
 *   not lower; with the best fixed choice of attempts 2 and 3, searched on the same seeds, as
 *   the bound any learner is held to;
 * - budgets: no round and no project over its budget.
 */
import type { ProviderName } from '../src/domain/provider';
import { DEFAULT_POLICY, JUDGING_DEFAULTS } from '../src/rules/policy';
import { isTrulyBest, playStoryboard, storyboard, JUDGMENT_USD, type QualityScene, type RoundRecord, type RunSettings } from './support/quality-rounds';
import { fmt, report, runBench, type Figure } from './support/result';

const SCENES = 300;
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

/** Rounds only: the first assets are the same in both runs and would only dilute the difference. */
function roundTotals(rounds: readonly RoundRecord[]) {
  const run = rounds.filter((r) => r.attempts.length > 0);
  return { rounds: run.length, passed: run.filter((r) => r.outcome === 'passed').length, usd: run.reduce((sum, r) => sum + r.roundCostUsd, 0) };
}

type Totals = ReturnType<typeof roundTotals>;

const perPass = (t: Totals) => t.usd / t.passed;

function sumTotals(list: readonly Totals[]): Totals {
  return list.reduce((a, b) => ({ rounds: a.rounds + b.rounds, passed: a.passed + b.passed, usd: a.usd + b.usd }), { rounds: 0, passed: 0, usd: 0 });
}

/** Three noise seeds over the same storyboard, so a handful of lucky draws cannot decide. */
const MEASURED_SEEDS = ['quality-2', 'quality-3', 'quality-4'];

/** The rounds of every measured seed, in one list. */
function measuredRounds(scenes: readonly QualityScene[], settings: Omit<RunSettings, 'seed'>): RoundRecord[] {
  return MEASURED_SEEDS.flatMap((seed) => playStoryboard(scenes, { ...settings, seed }).rounds);
}

/** One fixed choice for a content type: attempt 2's provider for each starting provider, attempt 3's. */
interface FixedChoice {
  attempt2: ReadonlyMap<ProviderName, ProviderName>;
  attempt3: ProviderName;
}

/** Every fixed choice for these scenes (all of one content type, so of one kind). */
function fixedChoices(scenes: readonly QualityScene[]): FixedChoice[] {
  const providers = DEFAULT_POLICY.providerFallbackOrder[scenes[0].kind];
  const starters = [...new Set(scenes.map((s) => s.provider))];
  let attempt2s: Map<ProviderName, ProviderName>[] = [new Map()];
  for (const starter of starters) {
    attempt2s = attempt2s.flatMap((m) => providers.filter((p) => p !== starter).map((p) => new Map([...m, [starter, p]])));
  }
  return attempt2s.flatMap((attempt2) => providers.map((attempt3) => ({ attempt2, attempt3 })));
}

function playFixed(scenes: readonly QualityScene[], choice: FixedChoice): Totals {
  const providerFor = (scene: QualityScene, attemptNumber: number) =>
    attemptNumber === 2 ? choice.attempt2.get(scene.provider) : attemptNumber === 3 ? choice.attempt3 : undefined;
  return roundTotals(measuredRounds(scenes, { ...base, providerFor }));
}

/**
 * The best any provider choice for attempts 2 and 3 could do on these scenes: every fixed choice
 * tried on the measured seeds themselves, knowing how they turn out. `best` has the lowest cost
 * per pass of those passing no fewer rounds than the static map (`fixed`, its totals for these
 * scenes), `cheapest` the lowest of all.
 */
function bestForContentType(scenes: readonly QualityScene[], fixed: Totals): { fixed: Totals; best: Totals; cheapest: Totals } {
  let best = fixed;
  let cheapest = fixed;
  for (const choice of fixedChoices(scenes)) {
    const t = playFixed(scenes, choice);
    if (t.passed >= fixed.passed && perPass(t) < perPass(best)) best = t;
    if (perPass(t) < perPass(cheapest)) cheapest = t;
  }
  return { fixed, best, cheapest };
}

/**
 * The bound no learner choosing attempts 2 and 3 can beat, per content type and summed, against
 * the static map's rounds of the same scenes and seeds. Each scene's rounds depend only on its
 * own noise stream (no budgets, no evidence), so a content type's scenes played alone turn out as
 * they did among the others.
 */
function bestFixedChoice(scenes: readonly QualityScene[], fixedRounds: readonly RoundRecord[]) {
  const contentTypes = [...new Set(scenes.map((s) => s.contentType))];
  const each = contentTypes.map((ct) =>
    bestForContentType(
      scenes.filter((s) => s.contentType === ct),
      roundTotals(ofContentType(fixedRounds, ct)),
    ),
  );
  return {
    fixed: sumTotals(each.map((e) => e.fixed)),
    best: sumTotals(each.map((e) => e.best)),
    cheapest: sumTotals(each.map((e) => e.cheapest)),
    contentTypes: contentTypes.length,
    staticAlreadyBest: each.filter((e) => e.best === e.fixed).length,
  };
}

/** The share of the rounds' spend that went to attempt 1, whose provider no choice moves. */
function attemptOneShare(rounds: readonly RoundRecord[]): number {
  const attempts = rounds.flatMap((r) => r.attempts);
  const total = attempts.reduce((sum, a) => sum + a.costUsd, 0);
  return attempts.filter((a) => a.attemptNumber === 1).reduce((sum, a) => sum + a.costUsd, 0) / total;
}

/** The provider used most at this attempt in these rounds. */
function mostUsed(rounds: readonly RoundRecord[], attemptNumber: number): ProviderName | undefined {
  const counts = new Map<ProviderName, number>();
  for (const a of rounds.flatMap((r) => r.attempts).filter((a) => a.attemptNumber === attemptNumber)) counts.set(a.provider, (counts.get(a.provider) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
}

/** The content types of these rounds, in their order. */
function contentTypesOf(rounds: readonly RoundRecord[]): string[] {
  return [...new Set(rounds.map((r) => r.scene.contentType))];
}

function ofContentType(rounds: readonly RoundRecord[], contentType: string): RoundRecord[] {
  return rounds.filter((r) => r.scene.contentType === contentType);
}

/** Passed rounds per content type, learned against static, e.g. "nature 80/76". */
function passesByContentType(fixedRounds: readonly RoundRecord[], learnedRounds: readonly RoundRecord[]): string {
  const passed = (rounds: readonly RoundRecord[], ct: string) => roundTotals(ofContentType(rounds, ct)).passed;
  return contentTypesOf(fixedRounds).map((ct) => `${ct} ${passed(learnedRounds, ct)}/${passed(fixedRounds, ct)}`).join(', ');
}

/** Per content type where the learned choice passed fewer rounds: the counts and what it picked differently. */
function passesLost(fixedRounds: readonly RoundRecord[], learnedRounds: readonly RoundRecord[]): string[] {
  return contentTypesOf(fixedRounds).flatMap((ct) => {
    const fixed = ofContentType(fixedRounds, ct);
    const learned = ofContentType(learnedRounds, ct);
    const [f, l] = [roundTotals(fixed).passed, roundTotals(learned).passed];
    if (l >= f) return [];
    const picks = [2, 3]
      .map((n) => ({ n, learned: mostUsed(learned, n), fixed: mostUsed(fixed, n) }))
      .filter((p) => p.learned !== p.fixed)
      .map((p) => `learned takes ${p.learned} over ${p.fixed} at attempt ${p.n}`);
    return [`${ct} ${l} passed rounds against ${f} (${picks.length > 0 ? picks.join(', ') : 'same usual picks'})`];
  });
}

function learnedFigures(): Figure[] {
  const scenes = storyboard(SCENES);
  const warmUp = playStoryboard(scenes, { ...base, seed: 'quality-warm-up' });
  const fixedRounds = measuredRounds(scenes, { ...base, evidence: warmUp.evidence, learned: false });
  const learnedRounds = measuredRounds(scenes, { ...base, evidence: warmUp.evidence, learned: true });
  const fixed = roundTotals(fixedRounds);
  const learned = roundTotals(learnedRounds);
  const ratio = perPass(learned) / perPass(fixed);
  const qualified = warmUp.evidence.filter((e) => e.judgedAttempts >= MIN_EVIDENCE).length;
  const bound = bestFixedChoice(scenes, fixedRounds);
  const boundRatio = perPass(bound.best) / perPass(bound.fixed);
  const cheapestRatio = perPass(bound.cheapest) / perPass(bound.fixed);
  const lost = passesLost(fixedRounds, learnedRounds);
  return [
    {
      bench: BENCH,
      name: `regeneration cost per passed round, learned provider choice (${SCENES} scenes × ${MEASURED_SEEDS.length} noise seeds, after a first run)`,
      value: perPass(learned),
      unit: 'USD',
      reference: { name: 'static provider map', value: perPass(fixed), unit: 'USD' },
      ratio,
      target: '≤ 0.8×',
      met: ratio <= 0.8,
      limitedBy:
        ratio <= 0.8
          ? undefined
          : `what any choice of attempts 2 and 3 can do: the best fixed choice, searched on these seeds, reaches ${fmt(boundRatio)}× with as many passes in every content type (${fmt(cheapestRatio)}× if some may pass fewer); attempt 1 is fixed, and in ${bound.staticAlreadyBest} of ${bound.contentTypes} content types no choice with as many passes is cheaper than the static map's`,
      notes: [
        `${qualified} provider × content type × kind rows had ≥ ${MIN_EVIDENCE} judged attempts after the first run`,
        `best fixed choice per content type and starting provider, searched on these seeds (an upper bound no learner can beat): $${fmt(perPass(bound.best))} per passed round (${fmt(boundRatio)}×), ${bound.best.passed} passed rounds against ${bound.fixed.passed}; cheapest regardless of passes: ${fmt(cheapestRatio)}× (${bound.cheapest.passed} passed rounds)`,
        `attempt 1, which keeps the scene's provider (SPEC.md), is ${fmt(100 * attemptOneShare(fixedRounds))} % of the static map's round spend`,
      ],
    },
    {
      bench: BENCH,
      name: 'rounds passed, learned provider choice',
      value: (100 * learned.passed) / learned.rounds,
      unit: '%',
      reference: { name: 'static provider map', value: (100 * fixed.passed) / fixed.rounds, unit: '%' },
      ratio: learned.passed / fixed.passed,
      target: 'not lower',
      met: learned.passed >= fixed.passed,
      limitedBy:
        learned.passed >= fixed.passed || lost.length === 0
          ? undefined
          : `the content types where the learned choice passed fewer: ${lost.join('; ')}; pass-per-dollar takes the cheaper provider where the dearer one passes more`,
      notes: [`passed rounds per content type, learned/static: ${passesByContentType(fixedRounds, learnedRounds)}`],
    },
  ];
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
  const figures = [judgingFigure(rounds), bestPickFigure(rounds), ...learnedFigures(), budgetFigure()];
  for (const figure of figures) report(figure);
  return figures;
});
