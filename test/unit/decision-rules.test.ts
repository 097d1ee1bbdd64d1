import assert from 'node:assert/strict';
import type { RegenerationAttempt } from '../../src/domain/regeneration';
import { DEFAULT_POLICY } from '../../src/rules/policy';
import { bestOfRound } from '../../src/rules/best-pick';
import { decisionProblem, isApprovable, reviewTimeoutDecision } from '../../src/rules/decision';

const analysis = { overallScore: 60, recommendation: 'regenerate' as const, issues: [] };
function attempt(attemptNumber: number, produced: boolean): RegenerationAttempt {
  return {
    attemptNumber,
    round: 1,
    timestamp: '2026-12-01T00:00:00.000Z',
    provider: 'kling',
    prompt: 'p',
    result: produced ? 'improved' : 'failed',
    scoreBefore: 40,
    scoreAfter: produced ? 60 : 0,
    ...(produced ? { assetUrl: 'http://localhost/a.png', analysisResult: analysis } : { failure: { type: 'unavailable', message: 'x' } }),
  };
}
const attempts = [attempt(1, true), attempt(2, false)];

describe('rules: which decisions a round can carry out', () => {
  const cases: [string, Parameters<typeof decisionProblem>[0], string | undefined][] = [
    ['approve the best', { action: 'approve', reviewer: 'ana' }, undefined],
    ['approve the starting asset', { action: 'approve', attemptNumber: 0, reviewer: 'ana' }, undefined],
    ['approve an attempt with an asset', { action: 'approve', attemptNumber: 1, reviewer: 'ana' }, undefined],
    ['approve an attempt without one', { action: 'approve', attemptNumber: 2, reviewer: 'ana' }, 'attempt 2 produced no asset to approve'],
    ['approve an attempt that does not exist', { action: 'approve', attemptNumber: 3, reviewer: 'ana' }, 'attempt 3 does not exist in this round'],
    ['reject', { action: 'reject', reviewer: 'ana' }, undefined],
    ['regenerate', { action: 'regenerate', reviewer: 'ana', provider: 'luma' }, undefined],
  ];
  for (const [label, decision, expected] of cases) {
    it(label, () => assert.equal(decisionProblem(decision, attempts), expected));
  }

  it('an attempt is approvable only with a stored, judged asset', () => {
    assert.deepEqual(attempts.map(isApprovable), [true, false]);
    assert.equal(isApprovable({ assetUrl: 'http://localhost/a.png' }), false);
  });
});

describe('rules: a review that times out', () => {
  it('decides nothing without onReviewTimeout', () => {
    assert.equal(reviewTimeoutDecision({ ...DEFAULT_POLICY, reviewTimeout: '1h' }), undefined);
  });

  it('approves the best or rejects in the person\'s place, saying why', () => {
    assert.deepEqual(reviewTimeoutDecision({ ...DEFAULT_POLICY, reviewTimeout: '1h', onReviewTimeout: 'approve_best' }), {
      action: 'approve',
      reviewer: 'review-timeout',
      note: 'No decision within 1h',
    });
    assert.deepEqual(reviewTimeoutDecision({ ...DEFAULT_POLICY, reviewTimeout: '2d', onReviewTimeout: 'reject' }), {
      action: 'reject',
      reviewer: 'review-timeout',
      note: 'No decision within 2d',
    });
  });
});

describe('rules: the best of a round', () => {
  it('is its last attempt that did not fail, or none (the starting asset)', () => {
    assert.equal(bestOfRound([]), undefined);
    assert.equal(bestOfRound([attempt(1, false)]), undefined);
    assert.equal(bestOfRound([attempt(1, true), attempt(2, false)])?.attemptNumber, 1);
    assert.equal(bestOfRound([attempt(1, true), { ...attempt(2, true), result: 'success' as const }])?.attemptNumber, 2);
  });
});
