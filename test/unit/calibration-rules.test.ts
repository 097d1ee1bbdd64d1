import assert from 'node:assert/strict';
import type { Verdict } from '../../src/domain/calibration';
import type { UserDecision } from '../../src/domain/regeneration';
import {
  acceptedByScore,
  acceptedShareAt,
  fitAcceptance,
  judgeAgreement,
  passingBar,
  shareWithInterval,
  verdictOf,
  type DecidedEntryFacts,
} from '../../src/rules/calibration';
import { DEFAULT_REVIEWER_BARS, simulatedReview } from '../../src/sim/judge/reviewer';
import { gaussian, seededRng } from '../../src/sim/seeded-random';

const v = (score: number, accepted: boolean, judgePassed = score >= 70): Verdict => ({ score, accepted, judgePassed });

/**
 * 100 verdicts as the product gets them: assets of true quality across the bars' range, judged
 * with the realistic judge's error (persistent σ 8 and per-call σ 3, issue 24), reviewed by the
 * simulator's person, who approves when the quality they see clears their hidden bar.
 */
function simulatedVerdicts(contentType: string, seed: number, count = 100): Verdict[] {
  const rng = seededRng(`calibration:${contentType}:${seed}`);
  return Array.from({ length: count }, () => {
    const quality = 40 + 55 * rng();
    const score = Math.round(quality + 8 * gaussian(rng) + 3 * gaussian(rng));
    const { approve } = simulatedReview(quality, contentType, { bars: DEFAULT_REVIEWER_BARS, sigma: 3 }, rng);
    return v(score, approve);
  });
}

describe('rules: calibration from people’s verdicts', () => {
  describe('a verdict in a closed entry', () => {
    const entry = (decision: { action: UserDecision['action']; attemptNumber?: number; reviewer?: string }, more: Partial<DecidedEntryFacts> = {}): DecidedEntryFacts => ({
      reason: 'auto_regeneration_failed',
      decision: { reviewer: 'ana', ...decision } as UserDecision,
      bestScore: 64,
      hasBest: true,
      ...more,
    });
    const cases: [string, DecidedEntryFacts, Verdict | undefined][] = [
      ['a plain approve accepts the best', entry({ action: 'approve' }), v(64, true, false)],
      ['an approve naming an attempt accepts that attempt', entry({ action: 'approve', attemptNumber: 2 }, { namedScore: 58 }), v(58, true, false)],
      ['a reject turns down the best', entry({ action: 'reject' }), v(64, false, false)],
      ['an audit’s approve agrees with the judge’s pass', entry({ action: 'approve' }, { reason: 'audit', bestScore: 81 }), v(81, true, true)],
      ['an audit’s reject turns down a passed asset', entry({ action: 'reject' }, { reason: 'audit', bestScore: 81 }), v(81, false, true)],
      ['a regenerate says nothing of the asset', entry({ action: 'regenerate' }), undefined],
      ['the review-timeout policy is nobody’s verdict', entry({ action: 'approve', reviewer: 'review-timeout' }), undefined],
      ['a round with nothing approvable gives no score to reject', entry({ action: 'reject' }, { hasBest: false, bestScore: 0 }), undefined],
      ['an approve naming an attempt whose score is unknown', entry({ action: 'approve', attemptNumber: 3 }), undefined],
    ];
    for (const [name, facts, expected] of cases) it(name, () => assert.deepEqual(verdictOf(facts), expected));
  });

  describe('the judged score at which people accept half the time', () => {
    it('needs both an acceptance and a refusal, and a share that rises with the score', () => {
      assert.equal(fitAcceptance([]), undefined);
      assert.equal(fitAcceptance([v(60, true), v(80, true)]), undefined);
      assert.equal(fitAcceptance([v(60, false), v(80, false)]), undefined);
      assert.equal(fitAcceptance([v(60, true), v(62, true), v(80, false), v(82, false)]), undefined);
    });

    it('stays finite between verdicts that do not overlap, midway between them', () => {
      const curve = fitAcceptance([v(60, false), v(62, false), v(64, false), v(76, true), v(78, true), v(80, true)])!;
      assert.ok(Math.abs(curve.midpoint - 70) < 0.5, JSON.stringify(curve));
      assert.ok(curve.scale > 0 && curve.standardError > 0, JSON.stringify(curve));
    });

    it('moves with where people draw their line', () => {
      const around = (bar: number) => [bar - 9, bar - 6, bar - 3, bar + 3, bar + 6, bar + 9].map((s) => v(s, s > bar)).concat(v(bar - 2, true), v(bar + 2, false));
      const low = fitAcceptance(around(62))!;
      const high = fitAcceptance(around(78))!;
      assert.ok(Math.abs(low.midpoint - 62) < 1 && Math.abs(high.midpoint - 78) < 1, `${low.midpoint} ${high.midpoint}`);
      assert.ok(Math.abs(acceptedShareAt(high, high.midpoint) - 0.5) < 1e-9);
      assert.ok(acceptedShareAt(high, 90) > 0.9 && acceptedShareAt(high, 66) < 0.1);
    });

    it('recovers each hidden reviewer bar of the simulator within ±3 points from 100 verdicts, and says how sure it is', () => {
      const seeds = 40;
      for (const [contentType, bar] of Object.entries(DEFAULT_REVIEWER_BARS)) {
        let within3 = 0;
        let withinInterval = 0;
        let error = 0;
        for (let seed = 0; seed < seeds; seed++) {
          const curve = fitAcceptance(simulatedVerdicts(contentType, seed))!;
          const off = curve.midpoint - bar;
          error += off;
          if (Math.abs(off) <= 3) within3++;
          if (Math.abs(off) <= 1.96 * curve.standardError) withinInterval++;
        }
        // With the judge's σ ≈ 8.5, one fit of 100 verdicts is off by ≈ 1.8 points (sd): ±3 holds ~90 % of the time.
        assert.ok(within3 >= 0.8 * seeds, `${contentType}: ${within3}/${seeds} within ±3 of ${bar}`);
        assert.ok(Math.abs(error / seeds) < 1, `${contentType}: mean error ${error / seeds}`);
        assert.ok(withinInterval >= 0.85 * seeds, `${contentType}: ${withinInterval}/${seeds} within the 95 % interval`);
      }
    });
  });

  describe('a share with its 95 % Wilson interval', () => {
    const cases: [number, number, ReturnType<typeof shareWithInterval>][] = [
      [0, 0, { count: 0, of: 0, rate: null, low: null, high: null }],
      [0, 10, { count: 0, of: 10, rate: 0, low: 0, high: 0.2775 }],
      [10, 10, { count: 10, of: 10, rate: 1, low: 0.7225, high: 1 }],
      [81, 263, { count: 81, of: 263, rate: 0.308, low: 0.2553, high: 0.3662 }],
      [50, 100, { count: 50, of: 100, rate: 0.5, low: 0.4038, high: 0.5962 }],
    ];
    for (const [count, of, expected] of cases) it(`${count} of ${of}`, () => assert.deepEqual(shareWithInterval(count, of), expected));
  });

  it('counts judge and people as agreeing when the judge’s pass is people’s acceptance', () => {
    const share = judgeAgreement([v(64, false), v(66, true), v(81, true, true), v(82, false, true)]);
    assert.equal(share.count, 2);
    assert.equal(share.of, 4);
    assert.equal(share.rate, 0.5);
  });

  it('bins verdicts by 5 points of judged score for the chart', () => {
    assert.deepEqual(acceptedByScore([v(61, false), v(64, true), v(65, true), v(100, true), v(3, false)]), [
      { score: 0, verdicts: 1, accepted: 0 },
      { score: 60, verdicts: 2, accepted: 1 },
      { score: 65, verdicts: 1, accepted: 1 },
      { score: 95, verdicts: 1, accepted: 1 },
    ]);
  });

  describe('the passing score a round uses', () => {
    const on = { minScoreToPass: 70, calibratedBar: true, minDecisions: 30 };
    const cases: [string, typeof on, { verdicts: number; midpoint?: number }, number, 'configured' | 'calibrated'][] = [
      ['calibrated with enough verdicts', on, { verdicts: 30, midpoint: 74.26 }, 74.3, 'calibrated'],
      ['configured with one verdict too few', on, { verdicts: 29, midpoint: 74 }, 70, 'configured'],
      ['configured when asked not to calibrate', { ...on, calibratedBar: false }, { verdicts: 500, midpoint: 74 }, 70, 'configured'],
      ['configured when no curve could be fitted', on, { verdicts: 40 }, 70, 'configured'],
      ['at most the configured score + 10', on, { verdicts: 40, midpoint: 93 }, 80, 'calibrated'],
      ['at least the configured score − 10', on, { verdicts: 40, midpoint: 41 }, 60, 'calibrated'],
      ['bounded around another configured score', { ...on, minScoreToPass: 95, minDecisions: 5 }, { verdicts: 5, midpoint: 99 }, 99, 'calibrated'],
      ['never past 100', { ...on, minScoreToPass: 95, minDecisions: 5 }, { verdicts: 5, midpoint: 100 }, 100, 'calibrated'],
    ];
    for (const [name, policy, calibration, score, source] of cases) {
      it(name, () => {
        const bar = passingBar(policy, calibration);
        assert.deepEqual([bar.score, bar.source, bar.configured, bar.verdicts], [score, source, policy.minScoreToPass, calibration.verdicts]);
      });
    }

    it('reads no verdicts when the policy does not calibrate', () =>
      assert.deepEqual(passingBar({ minScoreToPass: 72, calibratedBar: false, minDecisions: 30 }), { score: 72, source: 'configured', configured: 72 }));
  });
});
