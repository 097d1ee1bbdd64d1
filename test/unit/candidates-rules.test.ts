import assert from 'node:assert/strict';
import { checkRegenerateSceneInput, checkUserDecision } from '../../src/domain/input-checks';
import type { RegenerationAttempt } from '../../src/domain/regeneration';
import { candidateOrder, candidatePrompts, candidateProviders, candidatesThatFit, heldUsd, onlyOneAttemptLeft, wantedCandidates, type CandidateCount } from '../../src/rules/candidates';
import { decisionProblem } from '../../src/rules/decision';

const NOW = Date.parse('2026-12-07T12:00:00Z');
const MINUTE = 60_000;

describe('rules: how many candidates an attempt makes (SPEC.md "Repair and candidates")', () => {
  // [label, policy, minutes to the deadline's attempt (the longest generation), wanted]
  const wantedCases: [string, { candidates?: number; deadline?: string }, number, CandidateCount][] = [
    ['no policy: one', {}, 15, { count: 1, why: 'policy' }],
    ['policy.candidates 3', { candidates: 3 }, 15, { count: 3, why: 'policy' }],
    ['policy.candidates past the most is the most', { candidates: 9 }, 15, { count: 4, why: 'policy' }],
    ['a deadline with time for two more attempts keeps the policy', { candidates: 2, deadline: '2026-12-07T12:30:00Z' }, 15, { count: 2, why: 'policy' }],
    ['a deadline with time for only one more attempt: the most', { deadline: '2026-12-07T12:29:59Z' }, 15, { count: 4, why: 'deadline' }],
    ['a deadline already past: the most, the round is late', { candidates: 2, deadline: '2026-12-07T11:00:00Z' }, 15, { count: 4, why: 'deadline' }],
    ['a near deadline with quick images: still time for two', { deadline: '2026-12-07T12:12:00Z' }, 5, { count: 1, why: 'policy' }],
  ];
  for (const [label, policy, minutes, expected] of wantedCases) {
    it(label, () => assert.deepEqual(wantedCandidates({ policy, nowMs: NOW, attemptMs: minutes * MINUTE }), expected));
  }

  // [label, wanted, prices, room, kept]
  const fitCases: [string, CandidateCount, number[], number | undefined, CandidateCount][] = [
    ['no budget: all', { count: 3, why: 'policy' }, [0.62, 1.02, 0.62], undefined, { count: 3, why: 'policy' }],
    ['a budget that allows only two', { count: 3, why: 'policy' }, [0.62, 1.02, 0.62], 1.7, { count: 2, why: 'budget' }],
    ['reaching the budget exactly is within it', { count: 3, why: 'policy' }, [0.62, 1.02, 0.62], 2.26, { count: 3, why: 'policy' }],
    ['a deadline takes as many as fit and stays the reason', { count: 4, why: 'deadline' }, [0.62, 0.62, 0.62, 0.62], 1.9, { count: 3, why: 'deadline' }],
    ['none fits', { count: 2, why: 'policy' }, [0.62, 0.62], 0.5, { count: 0, why: 'policy' }],
  ];
  for (const [label, wanted, prices, room, expected] of fitCases) {
    it(`budget: ${label}`, () => assert.deepEqual(candidatesThatFit(wanted, prices, room), expected));
  }

  it('holds the sum of the candidates kept, in cents', () => {
    assert.equal(heldUsd([0.62, 1.02, 0.62], 2), 1.64);
    assert.equal(heldUsd([0.1, 0.2], 2), 0.3);
  });

  it('only one attempt left: less than two attempts of time; no deadline never', () => {
    assert.equal(onlyOneAttemptLeft(undefined, NOW, MINUTE), false);
    assert.equal(onlyOneAttemptLeft('2026-12-07T12:02:00Z', NOW, MINUTE), false);
    assert.equal(onlyOneAttemptLeft('2026-12-07T12:01:59Z', NOW, MINUTE), true);
  });

  it("providers: the attempt's own first, the others once each, then again from the start", () => {
    assert.deepEqual(candidateProviders('kling', ['kling', 'runway', 'luma'], 4), ['kling', 'runway', 'luma', 'kling']);
    assert.deepEqual(candidateProviders('falai', [], 3), ['falai', 'falai', 'falai']);
  });

  it("providers: the learned choice's order by expected value when it chose, else the fallback order", () => {
    const option = (provider: 'kling' | 'runway' | 'luma', valueUsd: number) => ({ provider, passChance: 0.5, drawnPassChance: 0.5, priceUsd: 1, valueUsd, drawnValueUsd: valueUsd });
    const choice = { by: 'expected_value' as const, valueOfPassUsd: 3, attemptsLeft: 2, evidence: 40, options: [option('kling', 0.2), option('luma', 1.1), option('runway', 0.7)] };
    assert.deepEqual(candidateOrder(['kling', 'runway', 'luma', 'hailuo'], choice), ['luma', 'runway', 'kling', 'hailuo']);
    assert.deepEqual(candidateOrder(['kling', 'runway', 'luma'], undefined), ['kling', 'runway', 'luma']);
  });

  it("prompts: a provider's second take stands on the other base, with the same fix phrases", () => {
    const analysis = { overallScore: 50, recommendation: 'regenerate' as const, issues: [], improvedPrompt: 'A steel watch, sharp focus' };
    const input = { attemptNumber: 1, visualDirection: 'A steel watch on marble', analysis };
    const [first, second, third] = candidatePrompts(input, ['falai', 'falai', 'flux'], () => 2_000);
    assert.match(first, /^A steel watch, sharp focus/);
    assert.match(second, /^A steel watch on marble/);
    assert.match(third, /^A steel watch, sharp focus/);
    // A person's prompt is never swapped for another base.
    const person = candidatePrompts({ ...input, personPrompt: 'Only the dial' }, ['falai', 'falai'], () => 2_000);
    assert.ok(person.every((p) => p.startsWith('Only the dial')));
  });
});

describe('input checks: candidates, deadline and approving a candidate', () => {
  const scene = {
    id: 7, projectId: 3, sceneIndex: 0, sceneType: 'broll', contentType: 'product', narration: 'n', visualDirection: 'a kettle', duration: 5, currentProvider: 'kling',
    analysisResult: { overallScore: 55, recommendation: 'regenerate', issues: [] },
  };
  it('takes 1..4 candidates and an ISO 8601 instant with its zone', () => {
    const checked = checkRegenerateSceneInput({ scene, policy: { candidates: 4, deadline: '2026-12-07T18:00:00Z' } });
    assert.ok(checked.ok);
    assert.deepEqual(checked.value.policy, { candidates: 4, deadline: '2026-12-07T18:00:00Z' });
    const refused = checkRegenerateSceneInput({ scene, policy: { candidates: 5, deadline: '2026-02-30T18:00:00Z' } });
    assert.equal(refused.ok, false);
    assert.deepEqual(refused.ok ? [] : refused.problems, ['policy.candidates: must be at most 4', 'policy.deadline: is not a real date and time']);
    for (const deadline of ['tomorrow', '2026-12-07', '2026-12-07T18:00:00']) {
      assert.equal(checkRegenerateSceneInput({ scene, policy: { deadline } }).ok, false, deadline);
    }
    assert.equal(checkRegenerateSceneInput({ scene, policy: { candidates: 0 } }).ok, false);
  });

  it('an approval names a candidate only with its attempt', () => {
    const ok = checkUserDecision({ action: 'approve', attemptNumber: 2, candidate: 3, reviewer: 'ana' });
    assert.ok(ok.ok);
    assert.deepEqual(ok.value, { action: 'approve', attemptNumber: 2, candidate: 3, reviewer: 'ana' });
    const alone = checkUserDecision({ action: 'approve', candidate: 3, reviewer: 'ana' });
    assert.deepEqual(alone.ok ? [] : alone.problems, ['decision.candidate: needs attemptNumber: the attempt whose candidate it is']);
  });

  it("an approval's candidate must exist and have an asset", () => {
    const analysis = { overallScore: 60, recommendation: 'regenerate' as const, issues: [] };
    const attempt: RegenerationAttempt = {
      attemptNumber: 1, round: 1, timestamp: '2026-12-01T00:00:00.000Z', provider: 'kling', prompt: 'p', result: 'improved', scoreBefore: 40, scoreAfter: 60,
      assetUrl: 'http://localhost/a.mp4', analysisResult: analysis,
      candidates: [
        { candidate: 1, provider: 'kling', prompt: 'p', scoreAfter: 60, assetUrl: 'http://localhost/a.mp4', analysisResult: analysis, kept: true },
        { candidate: 2, provider: 'runway', prompt: 'p', kept: false, failure: { type: 'timeout', message: 'late' } },
      ],
    };
    const approve = (candidate: number) => decisionProblem({ action: 'approve', attemptNumber: 1, candidate, reviewer: 'ana' }, [attempt]);
    assert.equal(approve(1), undefined);
    assert.equal(approve(2), 'candidate 2 of attempt 1 produced no asset to approve');
    assert.equal(approve(3), 'attempt 1 has no candidate 3');
  });
});
