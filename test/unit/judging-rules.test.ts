import assert from 'node:assert/strict';
import type { Recommendation } from '../../src/domain/analysis';
import { ISSUE_CATEGORIES } from '../../src/domain/analysis';
import type { JudgingHistory } from '../../src/domain/judge-view';
import {
  combinedEstimate,
  combinedJudgment,
  historyApplies,
  judgeView,
  judgingHistoryOf,
  judgingSettings,
  medianJudgment,
  nearTheBar,
  shouldJudgeAgain,
  type Judged,
} from '../../src/rules/judging';
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

  /** A content type whose first judgments average 60 with sd 13, and looks at one asset differ by sd 5: a prior of sd 12. */
  const HISTORY: JudgingHistory = { contentType: 'person', scores: { count: 50, mean: 60, sd: 13 }, spread: { assets: 20, sd: 5 } };

  describe('combining judgments with the content type\'s history', () => {
    const cases: [string, number[], { score: number; sd: number; passChance: number }][] = [
      ['one 76: pulled towards the usual 60, still likely a pass', [76], { score: 73.6, sd: 4.615, passChance: 0.782 }],
      ['one 85: clearly a pass', [85], { score: 81.3, sd: 4.615, passChance: 0.993 }],
      ['one 50: clearly a fail', [50], { score: 51.5, sd: 4.615, passChance: 0 }],
      ['one 70 exactly: the history says it is more likely below', [70], { score: 68.5, sd: 4.615, passChance: 0.373 }],
      ['76 and 74: surer, pulled less', [76, 74], { score: 73.8, sd: 3.391, passChance: 0.869 }],
      ['76, 74 and 75', [76, 74, 75], { score: 74.2, sd: 2.807, passChance: 0.933 }],
      ['68 and 72 straddle the bar', [68, 72], { score: 69.2, sd: 3.391, passChance: 0.407 }],
    ];
    for (const [name, scores, expected] of cases) {
      it(name, () => {
        const estimate = combinedEstimate(scores, HISTORY, 70);
        assert.equal(estimate.score, expected.score);
        assert.ok(Math.abs(estimate.sd - expected.sd) < 0.001, `sd ${estimate.sd}`);
        assert.ok(Math.abs(estimate.passChance - expected.passChance) < 0.002, `pass chance ${estimate.passChance}`);
      });
    }
    it('a spread or a prior narrower than a point counts as a point', () => {
      const tight = { ...HISTORY, scores: { count: 50, mean: 60, sd: 0.5 }, spread: { assets: 20, sd: 0.2 } };
      assert.deepEqual(combinedEstimate([76], tight, 70).score, 68);
    });
    it('refuses no judgment', () => assert.throws(() => combinedEstimate([], HISTORY, 70), /at least one/));
  });

  describe('enough history to lean on', () => {
    const cases: [string, JudgingHistory | undefined, boolean][] = [
      ['none', undefined, false],
      ['20 assets and 10 judged from several views', { ...HISTORY, scores: { ...HISTORY.scores, count: 20 }, spread: { assets: 10, sd: 5 } }, true],
      ['19 assets', { ...HISTORY, scores: { ...HISTORY.scores, count: 19 } }, false],
      ['9 assets judged from several views', { ...HISTORY, spread: { assets: 9, sd: 5 } }, false],
    ];
    for (const [name, history, expected] of cases) it(name, () => assert.equal(historyApplies(history), expected));
  });

  describe('judge again while the evidence straddles the bar (with history)', () => {
    const cases: [string, string[], Partial<typeof DEFAULTS>, boolean][] = [
      ['one 76 (73.6, passing at 0.78): again', ['76'], {}, true],
      ['one 85 (passing at 0.99): stop', ['85'], {}, false],
      ['one 64 (63.4, passing at 0.08): stop, though the band would judge it again', ['64'], {}, false],
      ['one 62: stop', ['62'], {}, false],
      ['one 78, outside the band: again, the history says it may not pass (75.3, at 0.88)', ['78'], {}, true],
      ['76 and 74 (passing at 0.87): a third', ['76', '74'], {}, true],
      ['three: the cap', ['76', '74', '75'], { judgmentsNearBar: 3 }, false],
      ['76 and 74 with a cap of 2: stop', ['76', '74'], { judgmentsNearBar: 2 }, false],
      ['a technical failure: never again', ['20s'], {}, false],
    ];
    for (const [name, specs, settings, expected] of cases) {
      it(name, () => assert.equal(shouldJudgeAgain(specs.map(judged), { ...DEFAULTS, ...settings }, HISTORY), expected));
    }
    it('too little history: the band decides, as without any', () => {
      const thin = { ...HISTORY, spread: { assets: 3, sd: 5 } };
      assert.equal(shouldJudgeAgain([judged('64')], DEFAULTS, thin), false);
      assert.equal(shouldJudgeAgain([judged('78')], DEFAULTS, thin), false);
      assert.equal(shouldJudgeAgain([judged('72')], DEFAULTS, thin), true);
    });
  });

  describe('the recorded verdict with history: the estimate, in the nearest judgment\'s words', () => {
    it('76, 74, 75 record 74.2 with the words of the 74', () => {
      const judgments = [judged('76'), judged('74r'), judged('75')];
      const combined = combinedJudgment(judgments, DEFAULTS, HISTORY);
      assert.equal(combined.analysis.overallScore, 74.2);
      assert.equal(combined.analysis.recommendation, 'regenerate', 'the 74\'s own recommendation');
    });
    it('an approve whose estimate falls under the bar reads regenerate (one 70 records 68.5)', () => {
      const combined = combinedJudgment([judged('70')], DEFAULTS, HISTORY);
      assert.deepEqual(combined.analysis, { overallScore: 68.5, recommendation: 'regenerate' });
    });
    it('a critical_fail stays one', () => {
      assert.equal(combinedJudgment([judged('72!')], DEFAULTS, HISTORY).analysis.recommendation, 'critical_fail');
    });
    it('without enough history, the median', () => {
      const judgments = [judged('68'), judged('74'), judged('71')];
      assert.equal(combinedJudgment(judgments, DEFAULTS, undefined), judgments[2]);
      assert.equal(combinedJudgment(judgments, DEFAULTS, { ...HISTORY, scores: { count: 5, mean: 60, sd: 13 } }), judgments[2]);
    });
  });

  describe('each judgment after the first is another view', () => {
    it('the first is the plain request', () => assert.deepEqual(judgeView(1), { number: 1, frameShift: 0 }));
    it('views 2 to 5 each take the rubric in an order other than the first, and other frames', () => {
      const views = [1, 2, 3, 4, 5].map((n) => judgeView(n));
      for (const view of views.slice(1)) {
        assert.ok(view.rubricOrder, `view ${view.number} has an order`);
        assert.notDeepEqual(view.rubricOrder, [...ISSUE_CATEGORIES]);
        assert.deepEqual([...view.rubricOrder].sort(), [...ISSUE_CATEGORIES].sort(), 'every category, once');
        assert.ok(view.frameShift >= -0.5 && view.frameShift <= 0.5);
      }
      assert.equal(new Set(views.map((v) => v.frameShift)).size, 5, 'no two views see the same frames');
      assert.equal(new Set(views.map((v) => JSON.stringify(v.rubricOrder ?? null))).size, 5, 'no two views read the rubric alike');
    });
    it('the policy\'s judge models in turn', () => {
      const models = ['claude-sonnet-4-6', 'claude-opus-4-7'];
      assert.deepEqual([1, 2, 3].map((n) => judgeView(n, models).model), ['claude-sonnet-4-6', 'claude-opus-4-7', 'claude-sonnet-4-6']);
      assert.equal(judgeView(2).model, undefined, 'none named: the configured model');
    });
    it('refuses a judgment number below 1', () => assert.throws(() => judgeView(0), RangeError));
  });

  describe('the history from recorded judgments', () => {
    const viewed = (...scores: number[]) => scores.map((score, index) => ({ score, view: { number: index + 1 } }));
    it('first judgments make the prior; only lists of distinct views make the spread', () => {
      const history = judgingHistoryOf('food', [
        viewed(60, 64),
        viewed(70, 66, 68),
        [{ score: 80 }, { score: 81 }],
        viewed(90),
        [{ score: 50, view: { number: 1 } }, { score: 52, view: { number: 1 } }],
      ]);
      assert.equal(history.contentType, 'food');
      assert.deepEqual(history.scores.count, 5);
      assert.equal(history.scores.mean, 70);
      assert.ok(Math.abs(history.scores.sd - Math.sqrt(250)) < 1e-9);
      // (60, 64): 8 over 1 degree of freedom; (70, 66, 68): 8 over 2.
      assert.equal(history.spread.assets, 2);
      assert.ok(Math.abs(history.spread.sd - Math.sqrt(16 / 3)) < 1e-9);
    });
    it('no lists: nothing known', () => {
      assert.deepEqual(judgingHistoryOf('food', []), { contentType: 'food', scores: { count: 0, mean: 0, sd: 0 }, spread: { assets: 0, sd: 0 } });
    });
  });
});
