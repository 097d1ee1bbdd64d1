import assert from 'node:assert/strict';
import type { PartialPolicy } from '../../src/domain/policy';
import type { ProviderName } from '../../src/domain/provider';
import type { AttemptContext } from '../../src/domain/round-steps';
import { firstGenerationProvider, planAttempt, type AttemptPlan } from '../../src/rules/attempt-plan';
import { resolvePolicy } from '../../src/rules/policy';
import { providerForAttempt } from '../../src/rules/provider-choice';
import { evidenceOf, judgedAttempts } from '../helpers/attempt-evidence';

/** A nature video scene made by kling; luma is the provider the evidence favours. */
function context(attemptNumber: number, policy: PartialPolicy = {}, extra: Partial<AttemptContext> = {}): AttemptContext {
  return {
    attemptNumber,
    roundProvider: 'kling',
    usedThisRound: [],
    roundSpentUsd: 0,
    currentScore: 50,
    contentType: 'nature',
    needs: { kind: 'video', durationSeconds: 5, aspectRatio: '16:9' },
    policy: resolvePolicy(policy),
    ...extra,
  };
}

const FAVOURS_LUMA = evidenceOf([
  ...judgedAttempts('kling', 'nature', 30, 60),
  ...judgedAttempts('runway', 'nature', 30, 60),
  ...judgedAttempts('hailuo', 'nature', 30, 60),
  ...judgedAttempts('luma', 'nature', 30, 82),
]);
const HOPELESS = evidenceOf(['kling', 'runway', 'luma', 'hailuo'].flatMap((p) => judgedAttempts(p as ProviderName, 'nature', 30, 50)));
const noKeyProblem = () => undefined;

/** The plan of an attempt that goes ahead (fails the test when none is worth its price). */
function going(plan: AttemptPlan): Extract<AttemptPlan, { candidates: ProviderName[] }> {
  assert.ok(plan.preferred !== undefined, 'an attempt worth its price');
  return plan;
}

describe('rules: an attempt’s plan (learned choice, then capabilities and keys)', () => {
  it('learnedProviderChoice false gives the static map exactly, whatever the evidence says', () => {
    for (const attemptNumber of [1, 2, 3]) {
      for (const evidence of [FAVOURS_LUMA, HOPELESS]) {
        const plan = going(planAttempt(context(attemptNumber, { learnedProviderChoice: false }), evidence, noKeyProblem, 'wf/1/x'));
        const expected = providerForAttempt({ attemptNumber, currentProvider: 'kling', contentType: 'nature', fallbackOrder: ['kling', 'runway', 'luma', 'hailuo'] });
        assert.equal(plan.preferred, expected, `attempt ${attemptNumber}`);
        assert.equal(plan.choice, undefined);
      }
    }
  });

  it('below minEvidence judged attempts of the scene’s content type and kind the static map stands; at it the expected value chooses', () => {
    const few = evidenceOf([
      ...judgedAttempts('luma', 'nature', 19, 90),
      ...judgedAttempts('luma', 'product', 40, 90),
      ...judgedAttempts('luma', 'nature', 40, 90, { kind: 'image' }),
    ]);
    assert.equal(planAttempt(context(2), few, noKeyProblem).preferred, 'runway');
    assert.equal(going(planAttempt(context(2), few, noKeyProblem)).choice, undefined);
    const plan = going(planAttempt(context(2, { minEvidence: 19 }), few, noKeyProblem, 'wf/1/2'));
    assert.equal(plan.choice?.by, 'expected_value');
  });

  it('attempts 2 and 3 take the best expected value, never the provider just before them, then the fallback order after it', () => {
    const second = going(planAttempt(context(2), FAVOURS_LUMA, noKeyProblem, 'wf/1/2'));
    assert.equal(second.preferred, 'luma');
    assert.deepEqual(second.candidates, ['luma', 'hailuo', 'kling', 'runway']);
    assert.deepEqual(second.choice?.options.map((o) => o.provider), ['runway', 'luma', 'hailuo'], 'kling, attempt 1’s, is not weighed');
    const third = planAttempt(context(3, {}, { usedThisRound: ['kling', 'luma'] }), FAVOURS_LUMA, noKeyProblem, 'wf/1/3');
    assert.notEqual(third.preferred, 'luma');
  });

  it('attempt 1 weighs every provider, unless a person named the round’s: then it keeps it and still asks whether it is worth its price', () => {
    const free = going(planAttempt(context(1), FAVOURS_LUMA, noKeyProblem, 'wf/1/1'));
    assert.equal(free.preferred, 'luma');
    assert.deepEqual(free.choice?.options.map((o) => o.provider), ['kling', 'runway', 'luma', 'hailuo']);
    const named = going(planAttempt(context(1, {}, { providerNamed: true }), FAVOURS_LUMA, noKeyProblem, 'wf/1/1'));
    assert.equal(named.preferred, 'kling');
    assert.deepEqual(named.choice?.options.map((o) => o.provider), ['kling']);
    assert.equal(planAttempt(context(1, {}, { providerNamed: true }), HOPELESS, noKeyProblem, 'wf/1/1').preferred, undefined);
  });

  it('nothing worth its price: no provider, with the figures', () => {
    for (const attemptNumber of [1, 2, 3]) {
      const plan = planAttempt(context(attemptNumber), HOPELESS, noKeyProblem, `wf/1/${attemptNumber}`);
      assert.ok(plan.preferred === undefined, `attempt ${attemptNumber}`);
      assert.ok(plan.notWorthTrying.options.every((o) => o.valueUsd <= 0));
    }
    // A review worth far more makes the same slim chances worth trying.
    assert.ok(planAttempt(context(2, { reviewCostUsd: 5_000 }), HOPELESS, noKeyProblem, 'wf/1/2').preferred !== undefined);
  });

  it('a provider without a key, or that cannot make the scene, is never weighed; the only one that can may repeat', () => {
    // A dear review, so that the others are worth trying without luma.
    const plan = going(planAttempt(context(2, { reviewCostUsd: 50 }), FAVOURS_LUMA, (p) => (p === 'luma' ? 'LUMA key not set' : undefined), 'wf/1/2'));
    assert.notEqual(plan.preferred, 'luma');
    assert.ok(!plan.candidates.includes('luma'));
    // A 21:9 scene only luma can make: the attempt after luma's takes luma again, and only providers that can make it are weighed.
    const wide = { needs: { kind: 'video' as const, durationSeconds: 5, aspectRatio: '21:9' }, usedThisRound: ['luma' as const] };
    const only = going(planAttempt(context(3, {}, wide), FAVOURS_LUMA, noKeyProblem, 'wf/1/3'));
    assert.equal(only.preferred, 'luma');
    assert.deepEqual(only.choice?.options.map((o) => o.provider), ['luma']);
  });

  describe('the first generation of a scene that names no provider', () => {
    const nature = { contentType: 'nature', duration: 5, aspectRatio: '16:9' };
    const cases: [string, { contentType: string; duration: number; aspectRatio?: string }, PartialPolicy, ProviderName][] = [
      ['the static map: the best provider for nature video, hailuo', nature, {}, 'hailuo'],
      ['learnedFirstProvider off: the static map, whatever the evidence', nature, { learnedFirstProvider: false }, 'hailuo'],
      ['learnedFirstProvider: the learned choice, luma', nature, { learnedFirstProvider: true }, 'luma'],
      ['learnedFirstProvider with learnedProviderChoice off: the static map', nature, { learnedFirstProvider: true, learnedProviderChoice: false }, 'hailuo'],
      ['a food still: flux', { contentType: 'food', duration: 0 }, {}, 'flux'],
      ['a food clip: flux makes no video, the fallback order\'s first', { contentType: 'food', duration: 5 }, {}, 'kling'],
      ['a content type with no best: the fallback order\'s first', { contentType: 'abstract', duration: 0 }, {}, 'falai'],
      ['hailuo cannot make 9:16: the next that can', { ...nature, aspectRatio: '9:16' }, {}, 'kling'],
    ];
    for (const [name, scene, policy, expected] of cases) {
      it(name, () => assert.equal(firstGenerationProvider(scene, resolvePolicy(policy), FAVOURS_LUMA, noKeyProblem, 'wf/first'), expected));
    }
    it('learned, but nothing worth its price: the static map, since the pipeline needs a first asset', () => {
      assert.equal(firstGenerationProvider(nature, resolvePolicy({ learnedFirstProvider: true }), HOPELESS, noKeyProblem, 'wf/first'), 'hailuo');
    });
    it('a provider without its key is passed over', () => {
      const noHailuo = (p: ProviderName) => (p === 'hailuo' ? 'no key' : undefined);
      assert.equal(firstGenerationProvider(nature, resolvePolicy({}), FAVOURS_LUMA, noHailuo), 'kling');
    });
  });
});
