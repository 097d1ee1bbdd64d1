import assert from 'node:assert/strict';
import type { InsightRow } from '../../src/ui/page/api/types';
import {
  ariaSort,
  DEFAULT_INSIGHT_SORT,
  describeAgreement,
  formatAttempts,
  formatCostPerPassed,
  formatGain,
  formatKind,
  formatRate,
  insightRowKey,
  nextSort,
  sortInsightRows,
} from '../../src/ui/page/model/insights-view';
import { calibrationPoints, costPerPassByProvider, describeCalibratedBar, describePeopleAgreement } from '../../src/ui/page/model/calibration-view';

describe('review page: insights', () => {
  const rows: InsightRow[] = [
    row({ provider: 'kling', contentType: 'product', kind: 'video', passRate: 0.4, costPerPassedUsd: 2.5 }),
    row({ provider: 'falai', contentType: 'food', kind: 'image', passRate: 0.5, costPerPassedUsd: 0.08 }),
    row({ provider: 'luma', contentType: 'product', kind: 'video', passRate: 0.6, costPerPassedUsd: 1.2 }),
    row({ provider: 'flux', contentType: 'food', kind: 'image', judgedAttempts: 0, passRate: null, meanGain: null, costPerPassedUsd: null }),
    row({ provider: 'runway', contentType: 'product', kind: 'video', passRate: 0, costPerPassedUsd: null }),
  ];
  const keys = (sorted: InsightRow[]) => sorted.map((r) => `${r.provider}/${r.contentType}`);

  it('groups by content type and kind, the best pass rate first, unknown rates last', () => {
    assert.deepEqual(keys(sortInsightRows(rows)), ['falai/food', 'flux/food', 'luma/product', 'kling/product', 'runway/product']);
    assert.deepEqual(keys(sortInsightRows(rows, DEFAULT_INSIGHT_SORT)), keys(sortInsightRows(rows)));
  });

  it('sorts by any column, a missing figure last in either direction, without changing its input', () => {
    const before = keys(rows);
    assert.deepEqual(keys(sortInsightRows(rows, { key: 'costPerPassedUsd', direction: 'asc' })), [
      'falai/food',
      'luma/product',
      'kling/product',
      'flux/food',
      'runway/product',
    ]);
    assert.deepEqual(keys(sortInsightRows(rows, { key: 'costPerPassedUsd', direction: 'desc' })).slice(0, 3), ['kling/product', 'luma/product', 'falai/food']);
    assert.deepEqual(keys(sortInsightRows(rows, { key: 'passRate', direction: 'desc' })), [
      'luma/product',
      'falai/food',
      'kling/product',
      'runway/product',
      'flux/food',
    ]);
    assert.deepEqual(keys(sortInsightRows(rows, { key: 'provider', direction: 'desc' })), ['runway/product', 'luma/product', 'kling/product', 'flux/food', 'falai/food']);
    assert.deepEqual(keys(rows), before);
  });

  it('a column chosen again turns round; another starts in its natural direction', () => {
    assert.deepEqual(nextSort(DEFAULT_INSIGHT_SORT, 'contentType'), { key: 'contentType', direction: 'desc' });
    assert.deepEqual(nextSort(DEFAULT_INSIGHT_SORT, 'passRate'), { key: 'passRate', direction: 'desc' });
    assert.deepEqual(nextSort(DEFAULT_INSIGHT_SORT, 'costPerPassedUsd'), { key: 'costPerPassedUsd', direction: 'asc' });
    assert.deepEqual(nextSort({ key: 'passRate', direction: 'desc' }, 'passRate'), { key: 'passRate', direction: 'asc' });
    assert.equal(ariaSort(DEFAULT_INSIGHT_SORT, 'contentType'), 'ascending');
    assert.equal(ariaSort({ key: 'passRate', direction: 'desc' }, 'passRate'), 'descending');
    assert.equal(ariaSort(DEFAULT_INSIGHT_SORT, 'provider'), 'none');
  });

  it('formats rates, gains, attempts and costs, saying when there is nothing to show', () => {
    assert.equal(formatRate(0.8235), '82%');
    assert.equal(formatRate(0), '0%');
    assert.equal(formatRate(null), '–');
    assert.equal(formatGain(4.24), '+4.2');
    assert.equal(formatGain(-1.46), '−1.5');
    assert.equal(formatGain(0.01), '0.0');
    assert.equal(formatGain(null), '–');
    assert.equal(formatAttempts({ attempts: 23, judgedAttempts: 20 }), '23 (20 judged)');
    assert.equal(formatAttempts({ attempts: 20, judgedAttempts: 20 }), '20');
    assert.equal(formatCostPerPassed({ costPerPassedUsd: 1.234, judgedAttempts: 5 }), '$1.23');
    assert.equal(formatCostPerPassed({ costPerPassedUsd: null, judgedAttempts: 5 }), 'none passed');
    assert.equal(formatCostPerPassed({ costPerPassedUsd: null, judgedAttempts: 0 }), '–');
  });

  it('says how often reviewers approved the judge\'s best', () => {
    assert.equal(describeAgreement({ decided: 17, approvedJudgesBest: 14, rate: 14 / 17 }), 'Reviewers approved the judge’s best in 14 of 17 decisions (82%)');
    assert.equal(describeAgreement({ decided: 1, approvedJudgesBest: 0, rate: 0 }), 'Reviewers approved the judge’s best in 0 of 1 decision (0%)');
    assert.equal(describeAgreement({ decided: 0, approvedJudgesBest: 0, rate: null }), 'Reviewers approved the judge’s best: no reviewer decisions yet');
  });
});

function row(overrides: Partial<InsightRow> & Pick<InsightRow, 'provider' | 'contentType' | 'kind'>): InsightRow {
  return { attempts: 10, judgedAttempts: 10, passRate: 0.5, meanGain: 3, costPerPassedUsd: 1, ...overrides };
}

describe('review page: what people accept, and cost per pass by provider', () => {
  it('places each score bin at its middle and draws the curve every 2 points', () => {
    const points = calibrationPoints({ byScore: [{ score: 60, verdicts: 4, accepted: 1 }], curve: { midpoint: 70, scale: 4, standardError: 1.5 } });
    assert.deepEqual(points.find((p) => p.score === 62.5), { score: 62.5, share: 0.25, verdicts: 4 });
    assert.deepEqual(points.find((p) => p.score === 70), { score: 70, curve: 0.5 });
    assert.equal(points.filter((p) => p.curve !== undefined).length, 51);
    assert.deepEqual(calibrationPoints({ byScore: [{ score: 95, verdicts: 2, accepted: 2 }], curve: null }), [{ score: 97.5, share: 1, verdicts: 2 }]);
  });

  it('says where people accept half the time with its 95 % margin, and how often judge and people agree', () => {
    assert.equal(describeCalibratedBar({ curve: { midpoint: 76.26, scale: 4, standardError: 2 }, verdicts: 40 }), 'people accept half the time at a judged 76.3 (± 3.9)');
    assert.equal(describeCalibratedBar({ curve: null, verdicts: 0 }), 'no verdicts yet');
    assert.equal(describeCalibratedBar({ curve: null, verdicts: 3 }), 'not enough accepted and turned-down verdicts to place a bar');
    assert.equal(describePeopleAgreement({ count: 41, of: 50, rate: 0.82, low: 0.6919, high: 0.9022 }), 'judge and people agree in 41 of 50 verdicts (82%, 69%–90%)');
    assert.equal(describePeopleAgreement({ count: 0, of: 0, rate: null, low: null, high: null }), 'no verdicts yet');
  });

  it('adds up cost per passed scene per provider over content types, cheapest first, leaving out providers with no pass', () => {
    const costs = costPerPassByProvider([
      row({ provider: 'kling', contentType: 'product', kind: 'video', judgedAttempts: 10, passRate: 0.5, costPerPassedUsd: 2 }),
      row({ provider: 'kling', contentType: 'person', kind: 'video', judgedAttempts: 10, passRate: 0.2, costPerPassedUsd: 5 }),
      row({ provider: 'falai', contentType: 'food', kind: 'image', judgedAttempts: 4, passRate: 1, costPerPassedUsd: 0.05 }),
      row({ provider: 'runway', contentType: 'product', kind: 'video', judgedAttempts: 5, passRate: 0, costPerPassedUsd: null }),
      // Runway's repairs pass, but they are not what it generates: left out of its cost per pass.
      row({ provider: 'runway', contentType: 'product', kind: 'video', judgedAttempts: 4, passRate: 1, costPerPassedUsd: 0.8, attemptKind: 'repair' }),
    ]);
    // kling: $10 over 5 passes and $10 over 2: $20 over 7.
    assert.deepEqual(costs, [
      { provider: 'falai', costPerPassedUsd: 0.05 },
      { provider: 'kling', costPerPassedUsd: 2.8571 },
    ]);
  });

  it('names a row of a provider\'s repairs apart from its generations', () => {
    const generations = row({ provider: 'runway', contentType: 'product', kind: 'video' });
    const repairs = row({ provider: 'runway', contentType: 'product', kind: 'video', attemptKind: 'repair' });
    assert.equal(formatKind(generations), 'video');
    assert.equal(formatKind(repairs), 'video repairs');
    assert.notEqual(insightRowKey(generations), insightRowKey(repairs));
    assert.equal(insightRowKey(repairs), 'runway:product:video:repair');
  });
});
