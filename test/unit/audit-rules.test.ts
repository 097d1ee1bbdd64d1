import assert from 'node:assert/strict';
import type { UserDecision } from '../../src/domain/regeneration';
import { auditDecisionProblem, auditSampled, fmix32, fnv1a } from '../../src/rules/audit';

describe('rules: audits of passed scenes', () => {
  it('hashes with FNV-1a as published (test vectors), mixed by MurmurHash3’s finaliser', () => {
    assert.deepEqual([fnv1a(''), fnv1a('a'), fnv1a('foobar')], [0x811c9dc5, 0xe40c292c, 0xbf9cf968]);
    assert.equal(fmix32(0), 0);
    assert.notEqual(fmix32(1) >>> 28, fmix32(2) >>> 28);
  });

  it('samples about auditRate of rounds, the same rounds every time', () => {
    const rounds = Array.from({ length: 20_000 }, (_, i) => ({ workflowId: `regenerate-scene-${i + 1}`, round: 1 }));
    for (const rate of [0.02, 0.1, 0.5]) {
      const sampled = rounds.filter((r) => auditSampled(r, rate)).length / rounds.length;
      // Binomial sd at 20 000 rounds is at most 0.0035: four of them either side.
      assert.ok(Math.abs(sampled - rate) < 0.014, `${rate}: ${sampled}`);
    }
    const once = rounds.filter((r) => auditSampled(r, 0.02)).map((r) => r.workflowId);
    assert.deepEqual(rounds.filter((r) => auditSampled(r, 0.02)).map((r) => r.workflowId), once);
  });

  it('a higher rate keeps every round a lower one sampled; a later round of the scene draws afresh', () => {
    const rounds = Array.from({ length: 2_000 }, (_, i) => ({ workflowId: `regenerate-scene-${i + 1}`, round: 1 }));
    assert.ok(rounds.every((r) => !auditSampled(r, 0.02) || auditSampled(r, 0.1)));
    const later = rounds.filter((r) => auditSampled(r, 0.1) !== auditSampled({ ...r, round: 2 }, 0.1)).length;
    // Independent draws at 10 % differ in 2 × 0.1 × 0.9 = 18 % of rounds: 360 of 2 000.
    assert.ok(later > 290 && later < 430, `${later} rounds changed their draw in round 2`);
  });

  it('a rate of 0 samples none and 1 samples all', () => {
    const round = { workflowId: 'regenerate-scene-19', round: 1 };
    assert.equal(auditSampled(round, 0), false);
    assert.equal(auditSampled(round, 1), true);
  });

  describe('what a person may answer an audit with', () => {
    const cases: [UserDecision, string | undefined][] = [
      [{ action: 'approve', reviewer: 'ana' }, undefined],
      [{ action: 'reject', reviewer: 'ana', note: 'the logo is mirrored' }, undefined],
      [{ action: 'approve', attemptNumber: 1, reviewer: 'ana' }, 'an audit asks about the asset that passed: approve names no attempt'],
      [{ action: 'regenerate', reviewer: 'ana' }, 'an audit takes approve or reject: its round has ended, it blocks nothing'],
    ];
    for (const [decision, problem] of cases) it(JSON.stringify(decision), () => assert.equal(auditDecisionProblem(decision), problem));
  });
});
