import assert from 'node:assert/strict';
import type { ProviderName } from '../../src/domain/provider';
import { allowedAfter, chooseByExpectedValue, type ExpectedValueArgs } from '../../src/rules/expected-value-choice';
import { fitScoreModel } from '../../src/rules/score-model';
import { evidenceOf, judgedAttempts } from '../helpers/attempt-evidence';

const PRICES: Partial<Record<ProviderName, number>> = { kling: 0.5, runway: 1.5, luma: 0.5, hailuo: 0.3 };

/** Nature video: kling passes about half its attempts, luma a fifth, runway nine in ten at three times kling's price. */
const MODEL = fitScoreModel(
  evidenceOf([
    ...judgedAttempts('kling', 'nature', 60, 70, { attemptNumber: 2 }),
    ...judgedAttempts('luma', 'nature', 60, 62, { attemptNumber: 2 }),
    ...judgedAttempts('runway', 'nature', 60, 85, { attemptNumber: 2 }),
  ]),
  'video',
);

function choose(extra: Partial<ExpectedValueArgs> = {}) {
  return chooseByExpectedValue({
    model: MODEL,
    attemptNumber: 2,
    maxAttempts: 3,
    contentType: 'nature',
    currentScore: 50,
    bar: 70,
    valueOfPassUsd: 3,
    candidates: ['kling', 'runway', 'luma'],
    priceUsd: (p) => PRICES[p]!,
    previous: 'hailuo',
    drawKey: 'wf/1/2',
    ...extra,
  });
}

const option = (choice: ReturnType<typeof choose>, provider: ProviderName) => choice.figures.options.find((o) => o.provider === provider)!;

describe('rules: provider choice by expected value', () => {
  it('takes the highest expected value, not the highest chance nor the lowest price, and records every figure', () => {
    // The last attempt: a pass × chance − price. runway 0.99 × 3 − 1.5 beats kling 0.53 × 3 − 0.5.
    const choice = choose({ attemptNumber: 3 });
    assert.equal(choice.provider, 'runway');
    const runway = option(choice, 'runway');
    assert.ok(runway.passChance > 0.95, `runway's chance ${runway.passChance}`);
    assert.equal(runway.priceUsd, 1.5);
    assert.deepEqual(choice.figures.options.map((o) => o.provider), ['kling', 'runway', 'luma']);
    assert.deepEqual([choice.figures.by, choice.figures.valueOfPassUsd, choice.figures.attemptsLeft, choice.figures.evidence], ['expected_value', 3, 1, 180]);
    // With a review worth $1, runway's extra chance no longer pays for its price.
    assert.equal(choose({ attemptNumber: 3, valueOfPassUsd: 1 }).provider, 'kling');
  });

  it('looks ahead: with an attempt left after it, the cheaper provider goes first and the surer one stays for last', () => {
    const choice = choose({ attemptNumber: 2 });
    assert.equal(choice.provider, 'kling');
    const kling = option(choice, 'kling');
    const runwayLast = option(choose({ attemptNumber: 3, previous: 'kling' }), 'runway');
    // kling: its pass, or on a failure runway's last attempt, less kling's price.
    const expected = kling.passChance * 3 + (1 - kling.passChance) * runwayLast.valueUsd - 0.5;
    assert.ok(Math.abs(kling.valueUsd - expected) < 0.005, `${kling.valueUsd} against ${expected}`);
  });

  it('values an attempt with what the attempts after it are worth: an early attempt is worth more than the last', () => {
    const second = option(choose({ attemptNumber: 2 }), 'kling');
    const last = option(choose({ attemptNumber: 3 }), 'kling');
    assert.ok(Math.abs(last.valueUsd - (last.passChance * 3 - 0.5)) < 0.002, 'the last attempt: the value of a pass × chance − price');
    assert.ok(second.valueUsd > last.valueUsd + 0.1, `attempt 2 (${second.valueUsd}) carries attempt 3's worth (${last.valueUsd})`);
  });

  it('no attempt worth its price: no provider, with the figures that show why', () => {
    const poor = fitScoreModel(evidenceOf(judgedAttempts('kling', 'nature', 60, 35, { spread: 4 })), 'video');
    const choice = choose({ model: poor, candidates: ['kling', 'luma'] });
    assert.equal(choice.provider, undefined);
    assert.ok(choice.figures.options.every((o) => o.valueUsd <= 0));
    assert.equal(choose({ valueOfPassUsd: 0 }).provider, undefined, 'a pass that saves nothing is never worth a price');
  });

  it('explores: a provider with no evidence is sometimes taken, one known to be worse almost never; the same key gives the same choice', () => {
    // kling 70, luma 62: a newcomer's prior is the kind's level, 66, and uncertain.
    const model = fitScoreModel(evidenceOf([...judgedAttempts('kling', 'nature', 60, 70), ...judgedAttempts('luma', 'nature', 60, 62)]), 'video');
    const keys = Array.from({ length: 400 }, (_, i) => `regenerate-scene-${i}/1/3`);
    const priceUsd = () => 0.5;
    const picks = (candidates: ProviderName[]) => keys.map((drawKey) => choose({ model, attemptNumber: 3, candidates, drawKey, priceUsd, previous: 'runway' }).provider);
    const share = (list: (ProviderName | undefined)[], p: ProviderName) => list.filter((x) => x === p).length / list.length;
    const withNewcomer = picks(['kling', 'hailuo']);
    const newcomer = share(withNewcomer, 'hailuo');
    assert.ok(newcomer > 0.02 && newcomer < 0.5, `hailuo, never tried, is taken in ${newcomer} of rounds`);
    assert.equal(share(picks(['kling', 'luma']), 'luma'), 0, 'luma, known to be worse at the same price');
    assert.deepEqual(picks(['kling', 'hailuo']), withNewcomer);
  });

  it('a fixed provider (attempt 1) is the only option weighed', () => {
    const choice = choose({ attemptNumber: 1, fixed: 'luma' });
    assert.equal(choice.provider, 'luma');
    assert.deepEqual(choice.figures.options.map((o) => o.provider), ['luma']);
    assert.equal(choice.figures.attemptsLeft, 3);
  });

  it('attempts after the first do not repeat the provider before them, unless only it can make the scene', () => {
    assert.equal(choose({ previous: 'runway' }).provider, 'kling');
    assert.deepEqual(allowedAfter(['kling', 'runway'], 'runway'), ['kling']);
    assert.deepEqual(allowedAfter(['runway'], 'runway'), ['runway']);
    assert.equal(choose({ previous: 'runway', candidates: ['runway'] }).provider, 'runway');
  });

  it('looks ahead through ten attempts (policy.maxAttempts’ most) at once', () => {
    const started = Date.now();
    const choice = choose({ attemptNumber: 1, maxAttempts: 10, candidates: ['kling', 'runway', 'luma', 'hailuo'] });
    assert.ok(Date.now() - started < 200, `${Date.now() - started} ms`);
    assert.equal(choice.figures.attemptsLeft, 10);
    assert.ok(option(choice, 'kling').valueUsd > option(choose({ attemptNumber: 1, maxAttempts: 3 }), 'kling').valueUsd, 'more attempts left, more worth');
  });
});

describe('rules: a repair weighed beside the generations', () => {
  it('takes the repair when its chance is worth its price, and records it among the options', () => {
    const choice = choose({ attemptNumber: 3, repair: { provider: 'runway', passChance: 0.9, priceUsd: 0.8, evidence: 12 } });
    assert.equal(choice.repair, true);
    assert.equal(choice.provider, 'runway');
    const repairOption = choice.figures.options.find((o) => o.repair)!;
    // The last attempt: 0.9 × 3 − 0.8.
    assert.equal(repairOption.valueUsd, 1.9);
    assert.equal(repairOption.passChance, 0.9);
  });

  it('generates when a generation is worth more, keeping the declined repair in the figures', () => {
    const choice = choose({ attemptNumber: 3, repair: { provider: 'runway', passChance: 0.55, priceUsd: 0.8, evidence: 12 } });
    assert.equal(choice.repair, undefined);
    assert.equal(choice.provider, 'runway', 'runway generating: 0.99 × 3 − 1.5 beats the repair’s 0.55 × 3 − 0.8');
    const declined = choice.figures.options.find((o) => o.repair)!;
    assert.ok(declined.valueUsd < option(choice, 'runway').valueUsd);
  });

  it('a repair on an earlier attempt is worth what the attempts after it are worth if it fails', () => {
    const last = choose({ attemptNumber: 3, repair: { provider: 'runway', passChance: 0.5, priceUsd: 0.8, evidence: 12 } });
    const earlier = choose({ attemptNumber: 2, repair: { provider: 'runway', passChance: 0.5, priceUsd: 0.8, evidence: 12 } });
    const value = (c: typeof last) => c.figures.options.find((o) => o.repair)!.valueUsd;
    assert.ok(value(earlier) > value(last), `${value(earlier)} vs ${value(last)}`);
  });
});
