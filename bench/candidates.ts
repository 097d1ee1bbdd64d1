/**
 * Benchmark 13, several candidates at once: `npm run bench -- candidates`. The rounds of a
 * storyboard's scenes whose first asset fails (bench/support/candidate-rounds.ts: the product's
 * rules, the simulator's quality model and its realistic judge), played with `candidates: 3` and,
 * on the same scenes and judge seeds, with `candidates: 1`, the reference. Over
 * BENCH_CANDIDATES_SEEDS seeds (default 8, each its own slice of scenes), mean ± sd:
 * - the share of rounds that pass within the wall-clock time of one attempt (candidates run side
 *   by side, so that is attempt 1); target ≥ 2× the reference's;
 * - what the providers billed per round (generation cost); target ≤ 2.5× the reference's.
 * Judging and comparisons are printed beside it.
 */
import { REALISTIC_JUDGE } from '../src/sim/judge/quality-model';
import { playCandidateRounds, type CandidateRound } from './support/candidate-rounds';
import { storyboard } from './support/quality-rounds';
import { fmt, report, runBench, type Figure } from './support/result';

const SEEDS = Number(process.env.BENCH_CANDIDATES_SEEDS ?? 8);
const SCENES_PER_SEED = Number(process.env.BENCH_CANDIDATES_SCENES ?? 200);
const CANDIDATES = 3;
const BENCH = 'candidates';

interface SeedFigures {
  rounds: number;
  quickShare: number;
  generationUsd: number;
  judgingUsd: number;
  passShare: number;
  firstSpread: number;
}

function figuresOf(rounds: readonly CandidateRound[]): SeedFigures {
  const n = rounds.length;
  return {
    rounds: n,
    quickShare: rounds.filter((r) => r.passedAt === 1).length / n,
    passShare: rounds.filter((r) => r.passedAt !== undefined).length / n,
    generationUsd: rounds.reduce((sum, r) => sum + r.generationUsd, 0) / n,
    judgingUsd: rounds.reduce((sum, r) => sum + r.judgingUsd, 0) / n,
    firstSpread: rounds.reduce((sum, r) => sum + r.firstSpread, 0) / n,
  };
}

function meanSd(values: readonly number[]): { mean: number; sd: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd = Math.sqrt(values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / Math.max(1, values.length - 1));
  return { mean, sd };
}

const spread = (values: readonly number[], digits = 2) => {
  const { mean, sd } = meanSd(values);
  return `${mean.toFixed(digits)} ± ${sd.toFixed(digits)}`;
};

runBench(async () => {
  const all = storyboard(SEEDS * SCENES_PER_SEED);
  const withCandidates: SeedFigures[] = [];
  const reference: SeedFigures[] = [];
  for (let s = 0; s < SEEDS; s++) {
    const scenes = all.slice(s * SCENES_PER_SEED, (s + 1) * SCENES_PER_SEED);
    const seed = `candidates-${s + 1}`;
    withCandidates.push(figuresOf(playCandidateRounds(scenes, CANDIDATES, seed, REALISTIC_JUDGE)));
    reference.push(figuresOf(playCandidateRounds(scenes, 1, seed, REALISTIC_JUDGE)));
  }
  const quickRatios = withCandidates.map((f, i) => f.quickShare / reference[i].quickShare);
  const costRatios = withCandidates.map((f, i) => f.generationUsd / reference[i].generationUsd);
  const quick = meanSd(quickRatios);
  const cost = meanSd(costRatios);
  const rounds = `${withCandidates.reduce((sum, f) => sum + f.rounds, 0)} rounds over ${SEEDS} seeds of ${SCENES_PER_SEED} scenes`;
  const quickFigure: Figure = {
    bench: BENCH,
    name: `rounds passing within one attempt's wall-clock, candidates: ${CANDIDATES} (${rounds})`,
    value: meanSd(withCandidates.map((f) => f.quickShare)).mean * 100,
    unit: '%',
    reference: { name: 'candidates: 1, same scenes and judge seeds', value: meanSd(reference.map((f) => f.quickShare)).mean * 100, unit: '%' },
    ratio: quick.mean,
    target: '≥ 2×',
    met: quick.mean >= 2,
    ...(quick.mean >= 2 ? {} : { limitedBy: limitOfQuickShare(reference, withCandidates) }),
    notes: [
      `share per seed, candidates ${CANDIDATES}: ${spread(withCandidates.map((f) => f.quickShare))}; candidates 1: ${spread(reference.map((f) => f.quickShare))}`,
      `ratio per seed: ${spread(quickRatios)} (min ${fmt(Math.min(...quickRatios))})`,
      `rounds passing at all: ${spread(withCandidates.map((f) => f.passShare))} against ${spread(reference.map((f) => f.passShare))}`,
    ],
  };
  const costFigure: Figure = {
    bench: BENCH,
    name: `generation cost per round, candidates: ${CANDIDATES}`,
    value: meanSd(withCandidates.map((f) => f.generationUsd)).mean,
    unit: 'USD',
    reference: { name: 'candidates: 1', value: meanSd(reference.map((f) => f.generationUsd)).mean, unit: 'USD' },
    ratio: cost.mean,
    target: '≤ 2.5×',
    met: cost.mean <= 2.5,
    ...(cost.mean <= 2.5 ? {} : { limitedBy: `${CANDIDATES} generations per attempt against the ${fmt(1 / (1 - meanSd(reference.map((f) => f.quickShare)).mean))} attempts a round of one candidate needs` }),
    notes: [
      `ratio per seed: ${spread(costRatios)} (max ${fmt(Math.max(...costRatios))})`,
      `judging and comparisons per round: $${spread(withCandidates.map((f) => f.judgingUsd), 3)} against $${spread(reference.map((f) => f.judgingUsd), 3)}`,
    ],
  };
  report(quickFigure);
  report(costFigure);
  return [quickFigure, costFigure];
});

/**
 * What stops the share: a scene's candidates share its difficulty and its prompt, so they differ
 * only by the providers' strengths and the judge's error; three independent chances at the
 * reference's share would reach 1 − (1 − p)³.
 */
function limitOfQuickShare(reference: readonly SeedFigures[], withCandidates: readonly SeedFigures[]): string {
  const p = meanSd(reference.map((f) => f.quickShare)).mean;
  const independent = 1 - (1 - p) ** CANDIDATES;
  const spreadPoints = meanSd(withCandidates.map((f) => f.firstSpread)).mean;
  return (
    `correlated candidates: attempt 1's ${CANDIDATES} true qualities lie ${spreadPoints.toFixed(1)} points apart on average (one scene, one prompt base, ` +
    `providers' profiles ±10), so they are not ${CANDIDATES} independent chances; independent ones at ${(p * 100).toFixed(0)} % would reach ${(independent / p).toFixed(2)}×`
  );
}
