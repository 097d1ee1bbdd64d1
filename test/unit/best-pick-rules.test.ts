import assert from 'node:assert/strict';
import type { RegenerationAttempt } from '../../src/domain/regeneration';
import {
  bestCandidates,
  decideBest,
  needsPairwise,
  pairKey,
  rankByScore,
  type BestCandidate,
} from '../../src/rules/best-pick';

const start = (score: number): BestCandidate => ({ score });
const att = (attemptNumber: number, score: number): BestCandidate => ({ attemptNumber, score });

describe('rules: the best of a round', () => {
  describe('rankByScore', () => {
    it('puts the highest score first', () => {
      assert.deepEqual(rankByScore([start(44), att(1, 58), att(2, 66), att(3, 69)]), [att(3, 69), att(2, 66), att(1, 58), start(44)]);
    });
    it('puts the later attempt first among equal scores, the starting asset last', () => {
      assert.deepEqual(rankByScore([start(60), att(2, 60), att(1, 60)]), [att(2, 60), att(1, 60), start(60)]);
    });
    it('does not change its input', () => {
      const input = [start(1), att(1, 2)];
      rankByScore(input);
      assert.deepEqual(input, [start(1), att(1, 2)]);
    });
  });

  describe('needsPairwise', () => {
    it('is false for a single candidate', () => assert.equal(needsPairwise([start(50)], 5), false));
    it('is true inside the band and at its edge', () => {
      assert.equal(needsPairwise([att(3, 69), att(2, 66)], 5), true);
      assert.equal(needsPairwise([att(1, 60), start(55)], 5), true);
      assert.equal(needsPairwise([att(1, 60), att(2, 60)], 0), true);
    });
    it('is false past the band', () => {
      assert.equal(needsPairwise([att(1, 61), start(55)], 5), false);
      assert.equal(needsPairwise([att(1, 61), start(60)], 0), false);
    });
  });

  describe('decideBest', () => {
    it('the only candidate: the starting asset', () => {
      assert.deepEqual(decideBest([start(44)], 5), { score: 44, reason: 'only_candidate' });
    });
    it('a lead past the band: the highest score, the runner-up named', () => {
      assert.deepEqual(decideBest(rankByScore([start(55), att(1, 61)]), 5), {
        attemptNumber: 1,
        score: 61,
        reason: 'highest_score',
        runnerUp: { score: 55 },
      });
    });
    it('the starting asset can win on score', () => {
      assert.deepEqual(decideBest(rankByScore([start(66), att(1, 40), att(2, 50)]), 5), {
        score: 66,
        reason: 'highest_score',
        runnerUp: { attemptNumber: 2, score: 50 },
      });
    });
    it('within the band, not asked: the higher score stands', () => {
      assert.deepEqual(decideBest([att(3, 69), att(2, 66)], 5), {
        attemptNumber: 3,
        score: 69,
        reason: 'highest_score',
        runnerUp: { attemptNumber: 2, score: 66 },
      });
    });
    const ranked = [att(3, 69), att(2, 66), att(1, 58)];
    it('both orders prefer the runner-up: it is the best', () => {
      // Shown 69 first, Claude took the second (66); shown 66 first, Claude took the first (66).
      assert.deepEqual(decideBest(ranked, 5, ['second', 'first']), {
        attemptNumber: 2,
        score: 66,
        reason: 'pairwise',
        runnerUp: { attemptNumber: 3, score: 69 },
      });
    });
    it('both orders prefer the top score: it is the best, by pairwise', () => {
      assert.deepEqual(decideBest(ranked, 5, ['first', 'second']), {
        attemptNumber: 3,
        score: 69,
        reason: 'pairwise',
        runnerUp: { attemptNumber: 2, score: 66 },
      });
    });
    it('the orders disagree (each prefers the one shown first): the higher score stands', () => {
      assert.deepEqual(decideBest(ranked, 5, ['first', 'first']), {
        attemptNumber: 3,
        score: 69,
        reason: 'pairwise_split',
        runnerUp: { attemptNumber: 2, score: 66 },
      });
      assert.equal(decideBest(ranked, 5, ['second', 'second']).reason, 'pairwise_split');
    });
    it('a tie in either order is a split', () => {
      for (const answers of [['tie', 'tie'], ['tie', 'first'], ['second', 'tie']] as const) {
        const best = decideBest(ranked, 5, answers);
        assert.equal(best.reason, 'pairwise_split', answers.join('/'));
        assert.equal(best.attemptNumber, 3);
      }
    });
    it('the starting asset can win the pairwise', () => {
      const best = decideBest(rankByScore([start(58), att(1, 60)]), 5, ['second', 'first']);
      assert.deepEqual(best, { score: 58, reason: 'pairwise', runnerUp: { attemptNumber: 1, score: 60 } });
    });
    it('answers are ignored past the band', () => {
      assert.equal(decideBest(rankByScore([start(55), att(1, 61)]), 5, ['second', 'first']).reason, 'highest_score');
    });
    it('needs a candidate', () => assert.throws(() => decideBest([], 5)));
  });

  describe('bestCandidates', () => {
    const analysis = (recommendation: 'regenerate' | 'critical_fail') => ({ overallScore: 0, recommendation, issues: [] });
    const attempt = (n: number, score: number, extra: Partial<RegenerationAttempt>) => ({
      attemptNumber: n,
      scoreAfter: score,
      ...extra,
    });
    it('the start plus every attempt with a judged asset; failed and critical_fail attempts left out', () => {
      const candidates = bestCandidates(44, [
        attempt(1, 0, {}),
        attempt(2, 80, { assetUrl: 'u2', analysisResult: analysis('critical_fail') }),
        attempt(3, 50, { assetUrl: 'u3', analysisResult: analysis('regenerate') }),
        attempt(4, 52, { analysisResult: analysis('regenerate') }),
      ]);
      assert.deepEqual(candidates, [{ score: 44 }, { attemptNumber: 3, score: 50 }]);
    });
    it('an attempt that scored lower than current still counts', () => {
      assert.deepEqual(bestCandidates(60, [attempt(1, 40, { assetUrl: 'u', analysisResult: analysis('regenerate') })]), [
        { score: 60 },
        { attemptNumber: 1, score: 40 },
      ]);
    });
  });

  it('pairKey names a pair in either order', () => {
    assert.equal(pairKey(att(3, 1), att(2, 1)), pairKey(att(2, 1), att(3, 1)));
    assert.notEqual(pairKey(start(1), att(2, 1)), pairKey(att(1, 1), att(2, 1)));
  });
});
