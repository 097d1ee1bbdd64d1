import assert from 'node:assert/strict';
import { judgedScore, persistentError } from '../../src/sim/judge/judge-noise';
import { EXACT_JUDGE, REALISTIC_JUDGE } from '../../src/sim/judge/judge-settings';
import { normalCdf, seededRng } from '../../src/sim/seeded-random';

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
const sd = (values: number[]) => {
  const m = mean(values);
  return Math.sqrt(values.reduce((sum, value) => sum + (value - m) ** 2, 0) / values.length);
};
const correlation = (a: number[], b: number[]) => {
  const ma = mean(a);
  const mb = mean(b);
  const covariance = a.reduce((sum, value, index) => sum + (value - ma) * (b[index] - mb), 0) / a.length;
  return covariance / (sd(a) * sd(b));
};
const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)];

const ASSETS = Array.from({ length: 3000 }, (_, index) => `asset-${index}`);

describe('simulator: the judge\'s error model (persistent per asset and view, fresh per call)', () => {
  it('gives the same persistent error whenever the same question is asked, and none at σ 0', () => {
    const settings = { persistentSigma: 8, viewCorrelation: 0.5 };
    assert.equal(persistentError(7, 'a', 'view-1', settings), persistentError(7, 'a', 'view-1', settings));
    assert.notEqual(persistentError(7, 'a', 'view-1', settings), persistentError(7, 'a', 'view-2', settings));
    assert.notEqual(persistentError(7, 'a', 'view-1', settings), persistentError(8, 'a', 'view-1', settings));
    assert.equal(persistentError(7, 'a', 'view-1', { persistentSigma: 0, viewCorrelation: 0.5 }), 0);
  });

  for (const rho of [0, 0.5, 0.9]) {
    it(`spreads errors σ across assets, and two views of one asset correlate at ρ = ${rho}`, () => {
      const settings = { persistentSigma: 8, viewCorrelation: rho };
      const first = ASSETS.map((asset) => persistentError(1, asset, 'frames 1-4', settings));
      const second = ASSETS.map((asset) => persistentError(1, asset, 'frames 5-8', settings));
      assert.ok(Math.abs(mean(first)) < 0.5, `mean ${mean(first)}`);
      assert.ok(Math.abs(sd(first) - 8) < 0.4, `sd ${sd(first)}`);
      assert.ok(Math.abs(sd(second) - 8) < 0.4, `sd ${sd(second)}`);
      assert.ok(Math.abs(correlation(first, second) - rho) < 0.05, `correlation ${correlation(first, second)}`);
    });
  }

  it('asking the identical question three times removes little error; three different views remove more', () => {
    const { persistentSigma, callSigma, viewCorrelation } = REALISTIC_JUDGE;
    const truth = 70;
    const errorsOf = (views: string[]) =>
      ASSETS.map((asset) => {
        const rng = seededRng(`calls:${asset}`);
        const scores = views.map((view) => judgedScore(truth, persistentError(3, asset, view, { persistentSigma, viewCorrelation }), callSigma, rng));
        return Math.abs(median(scores) - truth);
      });
    const one = mean(errorsOf(['v']));
    const sameThrice = mean(errorsOf(['v', 'v', 'v']));
    const threeViews = mean(errorsOf(['v1', 'v2', 'v3']));
    // σ 8 persistent and 3 per call: the median of identical asks still carries all of the 8.
    assert.ok(sameThrice / one > 0.9, `identical asks: ${sameThrice} against ${one}`);
    assert.ok(threeViews / one < 0.85, `three views: ${threeViews} against ${one}`);
  });

  it('scores are whole numbers within 0..100 around true + persistent, with the per-call spread σ', () => {
    const rng = seededRng(5);
    const scores = Array.from({ length: 4000 }, () => judgedScore(60, 4, 3, rng));
    assert.ok(Math.abs(mean(scores) - 64) < 0.2, `mean ${mean(scores)}`);
    assert.ok(Math.abs(sd(scores) - 3) < 0.2, `sd ${sd(scores)}`);
    for (const score of scores) assert.ok(Number.isInteger(score));
    for (let n = 0; n < 200; n++) {
      const high = judgedScore(98, 10, 20, rng);
      const low = judgedScore(2, -10, 20, rng);
      assert.ok(high >= 0 && high <= 100 && low >= 0 && low <= 100);
    }
  });

  it('an exact judge reports the rounded true quality and draws nothing', () => {
    let draws = 0;
    const counting = () => {
      draws += 1;
      return 0.5;
    };
    assert.equal(judgedScore(71.4, persistentError(1, 'a', 'v', EXACT_JUDGE), EXACT_JUDGE.callSigma, counting), 71);
    assert.equal(draws, 0);
  });

  it('turns normal draws back into uniform ones (Φ)', () => {
    assert.ok(Math.abs(normalCdf(0) - 0.5) < 1e-7);
    assert.ok(Math.abs(normalCdf(1.959964) - 0.975) < 1e-6);
    assert.ok(Math.abs(normalCdf(-1) - 0.158655) < 1e-6);
  });
});
