import assert from 'node:assert/strict';
import type { SceneIssue } from '../../src/domain/analysis';
import type { RegenerationAttempt } from '../../src/domain/regeneration';
import type { SceneKind } from '../../src/domain/scene';
import { DEFAULT_POLICY } from '../../src/rules/policy';
import { chooseRepair, editorsFor, repairFailedOn, repairInstruction } from '../../src/rules/repair';

const logo: SceneIssue = { category: 'ai_artifacts', severity: 'medium', description: 'The logo on the mug is warped', region: { x: 0.4, y: 0.3, w: 0.2, h: 0.2 } };
const sign: SceneIssue = { category: 'ai_artifacts', severity: 'low', description: 'Garbled lettering on the shop sign', region: { x: 0.1, y: 0.1, w: 0.3, h: 0.1 }, timeSpan: { startS: 1, endS: 2 } };
const hand: SceneIssue = { category: 'ai_artifacts', severity: 'low', description: 'Six fingers on the left hand', region: { x: 0.7, y: 0.6, w: 0.1, h: 0.1 } };
const light: SceneIssue = { category: 'brand_compliance', severity: 'medium', description: 'Cold lighting' };


describe('rules: repair or regenerate (issue 25)', () => {
  // bar 70, band 15, at most 2 defects (the defaults)
  const table: [string, { score: number; issues: SceneIssue[]; kind?: SceneKind; hasAsset?: boolean; person?: boolean; failedBefore?: boolean; band?: number; max?: number }, string | true][] = [
    ['one local defect, 12 under the bar', { score: 58, issues: [logo] }, true],
    ['two local defects, 1 under the bar', { score: 69, issues: [logo, hand] }, true],
    ['exactly the band under the bar', { score: 55, issues: [logo] }, true],
    ['a clip with a defect in frame and time', { score: 60, issues: [sign], kind: 'video' }, true],
    ['one point past the band', { score: 54, issues: [logo] }, 'more than 15 points under the bar'],
    ['at the bar', { score: 70, issues: [logo] }, 'the asset already passes'],
    ['a global issue among local ones', { score: 62, issues: [logo, light] }, 'an issue is global'],
    ['an old analysis (no regions): global', { score: 62, issues: [{ ...logo, region: undefined }] }, 'an issue is global'],
    ['three local defects', { score: 62, issues: [logo, hand, sign] }, 'more than 2 local defects'],
    ['three local defects, maxRepairDefects 3', { score: 62, issues: [logo, hand, sign], max: 3 }, true],
    ['no issues at all', { score: 62, issues: [] }, 'the judge named no defect to fix'],
    ['no stored asset', { score: 62, issues: [logo], hasAsset: false }, 'no stored asset to edit'],
    ['a repair of this asset failed before', { score: 62, issues: [logo], failedBefore: true }, 'a repair of this asset did not improve it'],
    ['a person gave the round a prompt or provider', { score: 62, issues: [logo], person: true }, 'a person directed the round'],
    ['repairBand 0 turns repairs off', { score: 69, issues: [logo], band: 0 }, 'more than 0 points under the bar'],
  ];
  for (const [name, given, expected] of table) {
    it(`${name}: ${expected === true ? 'repair' : `regenerate (${expected})`}`, () => {
      const choice = chooseRepair({
        kind: given.kind ?? 'image',
        score: given.score,
        issues: given.issues,
        hasAsset: given.hasAsset ?? true,
        personDirected: given.person ?? false,
        repairFailedOnAsset: given.failedBefore ?? false,
        policy: { ...DEFAULT_POLICY, ...(given.band === undefined ? {} : { repairBand: given.band }), ...(given.max === undefined ? {} : { maxRepairDefects: given.max }) },
      });
      if (expected === true) {
        assert.equal(choice.repair, true);
        assert.deepEqual(choice.repair && choice.defects, given.issues);
      } else {
        assert.deepEqual(choice, { repair: false, why: expected });
      }
    });
  }

  it('a failed repair counts against the asset it edited, not against the assets after it', () => {
    const repaired = (source: number | undefined, result: RegenerationAttempt['result']) => ({ kind: 'repair' as const, result, repair: { instruction: 'i', defects: [logo], sourcePrompt: 'p', ...(source === undefined ? {} : { sourceAttemptNumber: source }) } });
    const generated = { kind: 'generate' as const, result: 'failed' as const };
    assert.equal(repairFailedOn([repaired(undefined, 'failed'), generated], undefined), true);
    assert.equal(repairFailedOn([repaired(undefined, 'failed')], 2), false);
    assert.equal(repairFailedOn([repaired(undefined, 'improved')], undefined), false);
    assert.equal(repairFailedOn([repaired(2, 'failed')], 2), true);
    assert.equal(repairFailedOn([generated], undefined), false);
  });

  it('only providers with an edit endpoint for the kind repair, the fallback order first', () => {
    assert.deepEqual(editorsFor('video', ['kling', 'runway', 'luma']), ['runway']);
    assert.deepEqual(editorsFor('image', ['falai', 'flux']), ['falai', 'runway']);
    assert.deepEqual(editorsFor('image', ['runway', 'falai']), ['runway', 'falai']);
    const choice = chooseRepair({ kind: 'video', score: 60, issues: [sign], hasAsset: true, policy: DEFAULT_POLICY });
    assert.deepEqual(choice.repair && choice.editors, ['runway']);
  });

  it('the instruction names each defect with its place and says what must not change', () => {
    const text = repairInstruction([logo, sign], 'video', 1000);
    assert.match(text, /1\. The logo on the mug is warped \(in the area 40%-60% across and 30%-50% down the frame\)\./);
    assert.match(text, /2\. Garbled lettering on the shop sign \(in the area 10%-40% across and 10%-20% down the frame, from 1\.0 s to 2\.0 s\)\./);
    assert.match(text, /Change nothing else: keep the subject, framing, camera motion/);
    assert.doesNotMatch(repairInstruction([sign], 'image', 1000), / s to /);
    const cut = repairInstruction([logo, sign], 'image', 80);
    assert.equal(cut.length, 80);
  });
});
