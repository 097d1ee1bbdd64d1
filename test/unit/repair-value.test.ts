import assert from 'node:assert/strict';
import type { RepairEvidence } from '../../src/domain/provider-evidence';
import { expectedRepairUsd } from '../../src/rules/budget';
import { MIN_REPAIR_EVIDENCE, repairOption } from '../../src/rules/repair-value';

/** `gains` as the database sums them for one editor; `failed` repairs never got a judgment. */
function evidence(gains: number[], failed = 0): RepairEvidence[] {
  return [
    {
      provider: 'runway',
      kind: 'video',
      repairs: gains.length + failed,
      judged: gains.length,
      sumGain: gains.reduce((a, b) => a + b, 0),
      sumGainSquared: gains.reduce((a, b) => a + b * b, 0),
    },
  ];
}

const repair = { provider: 'runway' as const, kind: 'video' as const, durationSeconds: 5, currentScore: 64, bar: 70 };

describe('rules: a repair as the learned choice weighs it (src/rules/repair-value.ts)', () => {
  it('leaves the band rule to decide until enough repairs are judged', () => {
    assert.equal(repairOption(evidence(Array(MIN_REPAIR_EVIDENCE - 1).fill(8)), repair), undefined);
    assert.equal(repairOption([], repair), undefined);
    assert.ok(repairOption(evidence(Array(MIN_REPAIR_EVIDENCE).fill(8).map((g, i) => g + (i % 2))), repair));
  });

  it('its chance is the current score plus the recorded gain, against the bar; its price the edit’s and one judgment’s', () => {
    const gains = [6, 10, 7, 9, 8, 8, 6, 10, 7, 9, 8, 8];
    const option = repairOption(evidence(gains), repair)!;
    // Mean gain 8 (sd 1.35): 64 + 8 = 72 clears 70 most of the time.
    assert.ok(option.passChance > 0.85 && option.passChance < 1, String(option.passChance));
    const price = expectedRepairUsd({ provider: 'runway', kind: 'video', durationSeconds: 5, judgments: 1 });
    assert.ok(price > 0.75, `5 s of aleph2 and a judgment: ${price}`);
    assert.deepEqual([option.provider, option.priceUsd, option.evidence], ['runway', price, 12]);
    // The same gains from a score 10 points lower rarely reach the bar.
    assert.ok(repairOption(evidence(gains), { ...repair, currentScore: 54 })!.passChance < 0.05);
  });

  it('repairs that failed before their judgment lower the chance in proportion', () => {
    const gains = Array.from({ length: 12 }, (_, i) => 10 + (i % 3));
    const judgedOnly = repairOption(evidence(gains), repair)!.passChance;
    const withFailures = repairOption(evidence(gains, 12), repair)!.passChance;
    assert.ok(Math.abs(withFailures - judgedOnly / 2) < 0.01, `${withFailures} vs ${judgedOnly}`);
  });

  it('pools every editor of the kind', () => {
    const [a] = evidence([8, 8, 8, 8, 8]);
    const b = { ...evidence([9, 7, 9, 7, 8])[0], provider: 'falai' as const };
    assert.equal(repairOption([a], repair), undefined);
    assert.equal(repairOption([a, b], repair)!.evidence, 10);
    // Repairs of the other kind say nothing of this one.
    assert.equal(repairOption([a, { ...b, kind: 'image' }], repair), undefined);
  });
});
