import assert from 'node:assert/strict';
import type { ProviderName } from '../../src/domain/provider';
import type { ProviderEvidence } from '../../src/domain/provider-evidence';
import { learnedProvider, passPerDollar, passRate, type LearnedChoiceArgs } from '../../src/rules/learned-choice';

/** `judged` judged attempts of which `passed` passed, each attempt costing `usd`. */
function evidence(provider: ProviderName, judged: number, passed: number, usd: number, extra: Partial<ProviderEvidence> = {}): ProviderEvidence {
  return {
    provider,
    contentType: 'food',
    kind: 'video',
    judgedAttempts: judged,
    passedAttempts: passed,
    meanGain: 5,
    totalCostUsd: judged * usd,
    attempts: judged,
    ...extra,
  };
}

const VIDEO: readonly ProviderName[] = ['kling', 'runway', 'luma', 'hailuo'];

function choose(overrides: Partial<LearnedChoiceArgs>): ProviderName | undefined {
  return learnedProvider({
    attemptNumber: 3,
    currentProvider: 'kling',
    contentType: 'food',
    kind: 'video',
    candidates: VIDEO,
    evidence: [],
    minEvidence: 20,
    usedThisRound: [],
    ...overrides,
  });
}

describe('rules: learned provider choice', () => {
  it('pass per dollar is passes over dollars spent; free passes rank first, no pass is 0', () => {
    assert.equal(passPerDollar(evidence('kling', 20, 10, 0.5)), 1);
    assert.equal(passPerDollar(evidence('kling', 20, 0, 0.5)), 0);
    assert.equal(passPerDollar(evidence('kling', 20, 2, 0)), Number.POSITIVE_INFINITY);
    assert.equal(passPerDollar(evidence('kling', 0, 0, 0)), 0);
    // Unjudged attempts (a failed generation) cost money too.
    assert.equal(passPerDollar(evidence('kling', 20, 10, 0.5, { attempts: 25, totalCostUsd: 20 })), 0.5);
    assert.equal(passRate(evidence('kling', 20, 5, 1)), 0.25);
    assert.equal(passRate(evidence('kling', 0, 0, 1)), 0);
  });

  it('attempt 3 takes the best pass per dollar among providers with enough evidence', () => {
    const all = [evidence('kling', 20, 4, 0.4), evidence('runway', 30, 15, 0.8), evidence('luma', 25, 10, 0.2)];
    // kling 0.5/$, runway 0.625/$, luma 2/$.
    assert.equal(choose({ evidence: all }), 'luma');
    // The current provider may be the best for attempt 3.
    assert.equal(choose({ evidence: all, currentProvider: 'luma' }), 'luma');
  });

  it('attempt 2 never takes the current provider: the best of the others', () => {
    const all = [evidence('kling', 20, 4, 0.4), evidence('runway', 30, 15, 0.8), evidence('luma', 25, 10, 0.2)];
    assert.equal(choose({ attemptNumber: 2, evidence: all, currentProvider: 'luma' }), 'runway');
    assert.equal(choose({ attemptNumber: 2, evidence: all, currentProvider: 'kling' }), 'luma');
    // Only the current provider has evidence: the static choice stands.
    assert.equal(choose({ attemptNumber: 2, evidence: [evidence('kling', 50, 40, 0.1)] }), undefined);
  });

  it('below minEvidence a provider is not compared; when none has enough, the static choice stands', () => {
    assert.equal(choose({ evidence: [evidence('luma', 19, 19, 0.01), evidence('runway', 20, 2, 1)] }), 'runway');
    assert.equal(choose({ evidence: [evidence('luma', 19, 19, 0.01)] }), undefined);
    assert.equal(choose({ evidence: [evidence('luma', 19, 19, 0.01)], minEvidence: 19 }), 'luma');
    assert.equal(choose({ evidence: [] }), undefined);
    // Attempts without a judgment are not evidence of quality.
    assert.equal(choose({ evidence: [evidence('luma', 10, 5, 0.1, { attempts: 40 })] }), undefined);
  });

  it('only candidates (providers that can make the scene) are chosen', () => {
    const all = [evidence('hailuo', 40, 40, 0.1), evidence('runway', 30, 15, 0.8)];
    assert.equal(choose({ evidence: all, candidates: ['kling', 'runway', 'luma'] }), 'runway');
    assert.equal(choose({ evidence: all, candidates: ['kling'] }), undefined);
  });

  it('reads only the evidence of the scene’s content type (any case) and kind', () => {
    const all = [
      evidence('flux', 40, 40, 0.1, { contentType: 'person' }),
      evidence('falai', 40, 40, 0.1, { kind: 'video' }),
      evidence('falai', 40, 10, 0.1, { kind: 'image' }),
    ];
    const image = { kind: 'image' as const, candidates: ['falai', 'flux'] as ProviderName[], currentProvider: 'falai' as ProviderName };
    assert.equal(choose({ ...image, contentType: 'Food', evidence: all }), 'falai');
    assert.equal(choose({ ...image, attemptNumber: 2, contentType: 'FOOD', evidence: all }), undefined);
  });

  it('attempt 1 and attempts past 3 are never learned', () => {
    const all = [evidence('luma', 40, 40, 0.1)];
    assert.equal(choose({ attemptNumber: 1, evidence: all }), undefined);
    assert.equal(choose({ attemptNumber: 4, evidence: all }), undefined);
  });

  it('ties go to the higher pass rate, then a provider not yet used this round, then the fallback order', () => {
    // Both 1 pass per dollar; runway passes more often.
    const rates = [evidence('luma', 20, 5, 0.25), evidence('runway', 20, 10, 0.5)];
    assert.equal(choose({ evidence: rates }), 'runway');
    const same = [evidence('luma', 20, 10, 0.5), evidence('runway', 20, 10, 0.5)];
    assert.equal(choose({ evidence: same }), 'runway');
    assert.equal(choose({ evidence: same, usedThisRound: ['kling', 'runway'] }), 'luma');
    assert.equal(choose({ evidence: [...same].reverse() }), 'runway');
    // Free passes tie with each other on pass per dollar too.
    const free = [evidence('luma', 20, 10, 0), evidence('runway', 20, 10, 0)];
    assert.equal(choose({ evidence: free }), 'runway');
  });
});
