import assert from 'node:assert/strict';
import type { Recommendation } from '../../src/domain/analysis';
import { judgingSettings, medianJudgment, nearTheBar, shouldJudgeAgain, type Judged } from '../../src/rules/judging';
import { resolvePolicy } from '../../src/rules/policy';

const DEFAULTS = judgingSettings(resolvePolicy(undefined));

/** "71" is an approve of 71, "71!" a critical_fail, "71r" a regenerate, "5s" a technical failure without the model. */
function judged(spec: string): Judged {
  const score = Number.parseInt(spec, 10);
  const mark = spec.slice(String(score).length);
  const recommendation: Recommendation = mark.includes('!') ? 'critical_fail' : mark.includes('r') || score < 70 ? 'regenerate' : 'approve';
  return { analysis: { overallScore: score, recommendation }, modelSkipped: mark.includes('s') };
}

describe('rules: judging near the bar', () => {
  it('takes SPEC.md defaults: ±5 around 70, 3 judgments', () => {
    assert.deepEqual(DEFAULTS, { minScoreToPass: 70, uncertaintyBand: 5, judgmentsNearBar: 3 });
    assert.deepEqual(judgingSettings({ minScoreToPass: 80, uncertaintyBand: 0, judgmentsNearBar: 5 }), {
      minScoreToPass: 80,
      uncertaintyBand: 0,
      judgmentsNearBar: 5,
    });
  });

  describe('near the bar', () => {
    const cases: [number, Partial<typeof DEFAULTS>, boolean][] = [
      [70, {}, true],
      [65, {}, true],
      [75, {}, true],
      [64, {}, false],
      [76, {}, false],
      [90, {}, false],
      [70, { uncertaintyBand: 0 }, true],
      [71, { uncertaintyBand: 0 }, false],
      [60, { uncertaintyBand: 10 }, true],
      [78, { minScoreToPass: 80 }, true],
    ];
    for (const [score, settings, expected] of cases) {
      it(`${score} with ${JSON.stringify(settings)} is ${expected ? '' : 'not '}near the bar`, () =>
        assert.equal(nearTheBar(score, { ...DEFAULTS, ...settings }), expected));
    }
  });

  describe('judge again?', () => {
    const cases: [string, string[], Partial<typeof DEFAULTS>, boolean][] = [
      ['a score in the band gets a second judgment', ['68'], {}, true],
      ['a score at the edge of the band gets one', ['75'], {}, true],
      ['a score outside the band is judged once', ['76'], {}, false],
      ['a low score is judged once', ['45'], {}, false],
      ['two judgments in the band get a third', ['68', '74'], {}, true],
      ['a split across the bar whose mean is in the band gets a third (68 and 74: 71)', ['68', '74'], {}, true],
      ['a split far apart whose mean is outside the band stops (68 and 90: 79)', ['68', '90'], {}, false],
      ['two judgments whose mean is outside the band stop', ['80', '90'], {}, false],
      ['three judgments are all the default allows', ['68', '74', '71'], {}, false],
      ['judgmentsNearBar 1: never again', ['70'], { judgmentsNearBar: 1 }, false],
      ['judgmentsNearBar 5: a fourth while the median is in the band', ['68', '74', '71'], { judgmentsNearBar: 5 }, true],
      ['band 0: only the bar itself is judged again', ['70'], { uncertaintyBand: 0 }, true],
      ['band 0: one point off is judged once', ['69'], { uncertaintyBand: 0 }, false],
      ['a technical failure (no model asked) is never judged again', ['20s'], { uncertaintyBand: 50 }, false],
    ];
    for (const [name, specs, settings, expected] of cases) {
      it(name, () => assert.equal(shouldJudgeAgain(specs.map(judged), { ...DEFAULTS, ...settings }), expected));
    }
    it('no judgment yet: judge', () => assert.equal(shouldJudgeAgain([], DEFAULTS), true));
  });

  describe('the median decides', () => {
    const cases: [string, string[], string][] = [
      ['one judgment is its own median', ['82'], '82'],
      ['68, 74, 71: 71 (passes)', ['68', '74', '71'], '71'],
      ['72, 66, 69: 69 (fails)', ['72', '66', '69'], '69'],
      ['equal scores: a critical_fail sorts before an approve', ['71', '71!', '68'], '71!'],
      ['a critical_fail outside the middle does not decide', ['40!', '72', '73'], '72'],
    ];
    for (const [name, specs, expected] of cases) {
      it(name, () => {
        const judgments = specs.map(judged);
        const median = medianJudgment(judgments);
        assert.deepEqual(median, judged(expected));
        assert.ok(judgments.includes(median), 'the median is one of the judgments, verdict and issues included');
      });
    }
    // SPEC.md: an even count records the mean of the two middle judgments, with the lower one's verdict.
    const even: [string, string[], number, string][] = [
      ['two judgments: their mean (74 and 58 record 66)', ['74', '58'], 66, '58'],
      ['four judgments: the mean of the middle two (69 and 71: 70, which passes)', ['60', '75', '71', '69'], 70, '69'],
      ['a mean that is no whole number is kept as it is (73 and 58: 65.5)', ['73', '58'], 65.5, '58'],
    ];
    for (const [name, specs, score, lower] of even) {
      it(name, () => {
        const median = medianJudgment(specs.map(judged));
        assert.equal(median.analysis.overallScore, score);
        assert.equal(median.analysis.recommendation, judged(lower).analysis.recommendation);
      });
    }
    it('among equal scores and verdicts, the earlier judgment', () => {
      const judgments = [judged('71'), judged('71'), judged('71')];
      assert.equal(medianJudgment(judgments), judgments[1]);
    });
    it('refuses an empty list', () => assert.throws(() => medianJudgment([]), /at least one/));
  });
});
