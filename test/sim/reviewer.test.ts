import assert from 'node:assert/strict';
import { DEFAULT_REVIEWER_BARS, OTHER_CONTENT_BAR, reviewerBar, simulatedReview } from '../../src/sim/judge/reviewer';
import { seededRng } from '../../src/sim/seeded-random';

const approvals = (trueQuality: number, contentType: string, sigma: number, reviews = 10_000) => {
  const rng = seededRng(`reviews:${trueQuality}:${contentType}:${sigma}`);
  let approved = 0;
  for (let n = 0; n < reviews; n++) if (simulatedReview(trueQuality, contentType, { bars: DEFAULT_REVIEWER_BARS, sigma }, rng).approve) approved += 1;
  return approved / reviews;
};

describe('simulator: the simulated reviewer', () => {
  it('has varied hidden bars, none of them the product\'s default 70', () => {
    const bars = Object.values(DEFAULT_REVIEWER_BARS);
    assert.ok(new Set(bars).size >= 6, bars.join(', '));
    assert.ok(!bars.includes(70) && OTHER_CONTENT_BAR !== 70);
    assert.ok(Math.max(...bars) - Math.min(...bars) >= 10);
    for (const contentType of ['person', 'lifestyle', 'product', 'nature', 'cinematic', 'food', 'object']) {
      assert.equal(typeof DEFAULT_REVIEWER_BARS[contentType], 'number', contentType);
    }
  });

  it('without noise approves exactly when the true quality clears the content type\'s bar', () => {
    const never = () => assert.fail('a noiseless reviewer draws nothing');
    const bar = DEFAULT_REVIEWER_BARS.product;
    assert.deepEqual(simulatedReview(bar, 'Product', { bars: DEFAULT_REVIEWER_BARS, sigma: 0 }, never), { approve: true, bar, perceived: bar });
    assert.equal(simulatedReview(bar - 0.5, 'product', { bars: DEFAULT_REVIEWER_BARS, sigma: 0 }, never).approve, false);
    assert.equal(simulatedReview(OTHER_CONTENT_BAR, 'drone footage', { bars: DEFAULT_REVIEWER_BARS, sigma: 0 }, never).bar, OTHER_CONTENT_BAR);
    assert.equal(reviewerBar({ ...DEFAULT_REVIEWER_BARS, nature: 90 }, 'nature'), 90);
    assert.equal(reviewerBar(DEFAULT_REVIEWER_BARS, undefined), OTHER_CONTENT_BAR);
  });

  it('with noise approves half the time at the bar and nearly always well above it', () => {
    const bar = DEFAULT_REVIEWER_BARS.food;
    assert.ok(Math.abs(approvals(bar, 'food', 3) - 0.5) < 0.02);
    assert.ok(approvals(bar + 6, 'food', 3) > 0.96);
    assert.ok(approvals(bar - 6, 'food', 3) < 0.04);
    const middle = approvals(bar + 3, 'food', 3);
    assert.ok(middle > 0.8 && middle < 0.88, `one σ above: ${middle}`);
  });
});
