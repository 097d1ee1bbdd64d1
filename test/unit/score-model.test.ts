import assert from 'node:assert/strict';
import { fitScoreModel, passChance, predictScore } from '../../src/rules/score-model';
import { evidenceOf, judgedAttempts, type EvidenceAttempt } from '../helpers/attempt-evidence';

const at = (model: ReturnType<typeof fitScoreModel>, provider: 'kling' | 'luma' | 'runway' | 'hailuo', contentType: string, attemptNumber = 2, currentScore = 50) =>
  predictScore(model, { provider, contentType, attemptNumber, currentScore });

describe('rules: the judged score an attempt gets (score model)', () => {
  it('pools across content types: a thin content type leans on the provider’s other ones, a thick one on its own', () => {
    const elsewhere = judgedAttempts('kling', 'nature', 40, 75);
    const thin = fitScoreModel(evidenceOf([...elsewhere, ...judgedAttempts('kling', 'product', 2, 40, { spread: 0 })]), 'video');
    const thick = fitScoreModel(evidenceOf([...elsewhere, ...judgedAttempts('kling', 'product', 40, 40, { spread: 0 })]), 'video');
    const thinMean = at(thin, 'kling', 'product').mean;
    assert.ok(thinMean > 60 && thinMean < 75, `2 attempts at 40 move kling's product estimate only part of the way from 75: ${thinMean}`);
    assert.ok(Math.abs(at(thick, 'kling', 'product').mean - 42) < 4, `40 attempts at 40 mostly decide: ${at(thick, 'kling', 'product').mean}`);
    assert.ok(at(thin, 'kling', 'product').meanSd > at(thick, 'kling', 'product').meanSd, 'less evidence, less sure');
  });

  it('a provider with no evidence gets the kind’s level, and is the least sure of all', () => {
    const model = fitScoreModel(evidenceOf([...judgedAttempts('kling', 'nature', 30, 70), ...judgedAttempts('luma', 'nature', 30, 60)]), 'video');
    const unknown = at(model, 'hailuo', 'nature');
    assert.ok(Math.abs(unknown.mean - 65) < 1, `between the others: ${unknown.mean}`);
    assert.ok(unknown.meanSd > at(model, 'kling', 'nature').meanSd);
    assert.ok(unknown.meanSd > at(model, 'luma', 'nature').meanSd);
  });

  it('the attempt number is learned once for all providers: a provider used only on attempt 3 is not credited for its fix phrases', () => {
    // runway: 60 on attempt 2, 70 on attempt 3 (the fix phrases add 10); luma only ever on attempt 3, at 70.
    const attempts: EvidenceAttempt[] = [
      ...judgedAttempts('runway', 'nature', 30, 60, { attemptNumber: 2 }),
      ...judgedAttempts('runway', 'nature', 30, 70, { attemptNumber: 3 }),
      ...judgedAttempts('luma', 'nature', 30, 70, { attemptNumber: 3 }),
    ];
    const model = fitScoreModel(evidenceOf(attempts), 'video');
    const [runway2, luma2] = [at(model, 'runway', 'nature', 2).mean, at(model, 'luma', 'nature', 2).mean];
    assert.ok(Math.abs(luma2 - runway2) < 1.5, `luma on attempt 2 is runway's equal (${luma2} against ${runway2}), not 5 points better as their plain means say`);
    assert.ok(Math.abs(at(model, 'luma', 'nature', 3).mean - 70) < 1.5);
    assert.ok(at(model, 'runway', 'nature', 3).mean - runway2 > 8, 'attempt 3 adds about 10');
  });

  it('the round’s current score carries over by the slope fitted within groups', () => {
    // after = 30 + 0.5 · before, before spread over 30..70.
    const attempts: EvidenceAttempt[] = [];
    for (let i = 0; i < 60; i++) {
      const scoreBefore = 30 + (i % 5) * 10;
      attempts.push({ provider: 'kling', contentType: 'person', kind: 'video', attemptNumber: 2, scoreBefore, scoreAfter: 30 + 0.5 * scoreBefore });
    }
    const model = fitScoreModel(evidenceOf(attempts), 'video');
    assert.ok(model.slope > 0.4 && model.slope <= 0.5, `slope ${model.slope}`);
    const low = at(model, 'kling', 'person', 2, 30).mean;
    const high = at(model, 'kling', 'person', 2, 70).mean;
    assert.ok(high - low > 16 && high - low <= 20, `40 points of current score move the estimate by ${high - low}`);
  });

  it('no spread between groups of the same scene score gives no slope: a provider is not credited for the scenes it got', () => {
    // kling always got the easy rounds (before 60, after 70), luma the hard ones (before 30, after 50).
    const model = fitScoreModel(
      evidenceOf([...judgedAttempts('kling', 'food', 30, 70, { scoreBefore: 60 }), ...judgedAttempts('luma', 'food', 30, 50, { scoreBefore: 30 })]),
      'video',
    );
    assert.ok(Math.abs(model.slope) < 1e-9, `slope ${model.slope}`);
  });

  it('failed generations lower the chance of a pass; other kinds are left out', () => {
    const failing: EvidenceAttempt[] = Array.from({ length: 20 }, () => ({ provider: 'luma', contentType: 'nature', kind: 'video', attemptNumber: 2, scoreBefore: 50 }));
    const still: EvidenceAttempt[] = judgedAttempts('luma', 'nature', 50, 10, { kind: 'image' });
    const model = fitScoreModel(evidenceOf([...judgedAttempts('luma', 'nature', 20, 80), ...failing, ...still]), 'video');
    const luma = at(model, 'luma', 'nature');
    assert.ok(Math.abs(luma.judgedShare - (20 + 9.5) / (40 + 10)) < 1e-9, `judged share ${luma.judgedShare}`);
    assert.ok(luma.mean > 75, 'the stills of the same content type do not count for the video');
    assert.equal(model.judged, 20);
  });

  it('the chance of a pass: half at the bar, the judged share at most', () => {
    const prediction = { mean: 70, meanSd: 3, noiseSd: 4, judgedShare: 0.9 };
    // Scores are whole points: a mean of 69.5 is the even chance of reaching 70.
    assert.ok(Math.abs(passChance({ ...prediction, mean: 69.5 }, 70) - 0.45) < 1e-6);
    assert.ok(passChance({ ...prediction, mean: 100 }, 70) <= 0.9);
    assert.ok(passChance({ ...prediction, mean: 40 }, 70) < 0.001);
  });
});
