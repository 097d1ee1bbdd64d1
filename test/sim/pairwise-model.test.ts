import assert from 'node:assert/strict';
import { CLOSE_PAIR_POINTS, EXACT_JUDGE, REALISTIC_JUDGE } from '../../src/sim/judge/judge-settings';
import { closePairAccuracy, firstPreferredChance, judgedPreference, logisticScale, pairwisePreference } from '../../src/sim/judge/pairwise-model';
import { seededRng } from '../../src/sim/seeded-random';

/** The share of right answers over many pairs `gap` apart, each shown in both orders. */
function rightShare(gap: () => number, settings: { pairwiseAccuracy: number; firstPositionBias: number }, pairs = 20_000): number {
  const rng = seededRng(`pairs:${settings.pairwiseAccuracy}:${settings.firstPositionBias}`);
  let right = 0;
  for (let n = 0; n < pairs; n++) {
    const better = 60 + gap();
    if (judgedPreference(better, 60, settings, rng) === 'first') right += 1;
    if (judgedPreference(60, better, settings, rng) === 'second') right += 1;
  }
  return right / (2 * pairs);
}

describe('simulator: pairwise answers that are right less often on close pairs', () => {
  it('an exact judge answers by the true quality and ties equal assets, drawing nothing', () => {
    const never = () => assert.fail('an exact judge draws nothing');
    assert.equal(judgedPreference(72, 65, EXACT_JUDGE, never), 'first');
    assert.equal(judgedPreference(65, 72, EXACT_JUDGE, never), 'second');
    assert.equal(judgedPreference(70, 70, EXACT_JUDGE, never), 'tie');
    assert.equal(pairwisePreference(70, 70), 'tie');
  });

  it('finds the scale whose close-pair accuracy is the one asked for', () => {
    for (const accuracy of [0.6, 0.77, 0.8, 0.95]) {
      assert.ok(Math.abs(closePairAccuracy(logisticScale(accuracy)) - accuracy) < 1e-6, String(accuracy));
    }
  });

  it('is right about 80 % of the time within 5 points, and more often the further apart', () => {
    const settings = { pairwiseAccuracy: 0.8, firstPositionBias: 0 };
    const uniformGap = seededRng('gaps');
    const close = rightShare(() => Math.max(1e-9, uniformGap() * CLOSE_PAIR_POINTS), settings);
    assert.ok(Math.abs(close - 0.8) < 0.01, `close pairs: ${close}`);
    const byGap = [0.5, 2, 4, 8, 15].map((gap) => rightShare(() => gap, settings, 5000));
    for (let n = 1; n < byGap.length; n++) assert.ok(byGap[n] > byGap[n - 1], `falls as pairs get closer: ${byGap.join(', ')}`);
    assert.ok(byGap[0] < 0.65, `half a point apart is nearly a coin: ${byGap[0]}`);
    assert.ok(byGap[4] > 0.99, `15 points apart is nearly always right: ${byGap[4]}`);
  });

  it('prefers the first-shown asset by the bias on equal pairs, most on close pairs, hardly on far ones', () => {
    const settings = { pairwiseAccuracy: 0.8, firstPositionBias: 0.1 };
    assert.ok(Math.abs(firstPreferredChance(70, 70, settings) - 0.6) < 1e-9);
    const rng = seededRng('bias');
    const firsts = Array.from({ length: 20_000 }, () => judgedPreference(70, 70, settings, rng)).filter((answer) => answer === 'first').length;
    assert.ok(Math.abs(firsts / 20_000 - 0.6) < 0.01, `${firsts}`);
    const tilt = (gap: number) =>
      firstPreferredChance(70 + gap, 70, settings) - firstPreferredChance(70 + gap, 70, { ...settings, firstPositionBias: 0 });
    assert.ok(tilt(0) > tilt(5) && tilt(5) > tilt(15), `${tilt(0)}, ${tilt(5)}, ${tilt(15)}`);
    assert.ok(tilt(15) < 0.01);
    // With a preference even a perfect comparer leans first on equal pairs only.
    assert.equal(firstPreferredChance(70, 70, { pairwiseAccuracy: 1, firstPositionBias: 0.05 }), 0.55);
    assert.equal(firstPreferredChance(69, 70, { pairwiseAccuracy: 1, firstPositionBias: 0.05 }), 0);
  });

  it('the realistic judge is right on close pairs about as often as published comparers agree with people', () => {
    const uniformGap = seededRng('realistic-gaps');
    const close = rightShare(() => Math.max(1e-9, uniformGap() * CLOSE_PAIR_POINTS), REALISTIC_JUDGE);
    assert.ok(close > 0.77 && close < 0.83, `${close}`);
  });
});
