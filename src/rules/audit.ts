import type { UserDecision } from '../domain/regeneration';

/** CONTRACT.md: the review-queue reason of a passed scene sampled for people; it blocks nothing. */
export const AUDIT_REASON = 'audit';

/**
 * SPEC.md "Judging and choosing": whether a passed round is also sent to people as an audit, a
 * share `auditRate` of them. Drawn from a hash of the round (workflow id and round number), not a
 * random number, so replaying the round draws the same, and a scene's round is sampled or not
 * whichever worker runs it. FNV-1a alone leaves the top bits of ids that differ in their last
 * character ("…#1", "…#2") alike, so MurmurHash3's finaliser mixes them; neither is a defence
 * against someone choosing ids to dodge audits, which nobody here can.
 */
export function auditSampled(round: { workflowId: string; round: number }, auditRate: number): boolean {
  if (auditRate <= 0) return false;
  if (auditRate >= 1) return true;
  return fmix32(fnv1a(`${round.workflowId}#${round.round}`)) / 2 ** 32 < auditRate;
}

/** FNV-1a 32-bit (http://www.isthe.com/chongo/tech/comp/fnv/), as an unsigned integer. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/**
 * Why a decision cannot label an audit, or undefined when it can: the round is over, so there is
 * nothing to regenerate, and the one asset asked about is the one that passed.
 */
export function auditDecisionProblem(decision: UserDecision): string | undefined {
  if (decision.action === 'regenerate') return 'an audit takes approve or reject: its round has ended, it blocks nothing';
  if (decision.action === 'approve' && decision.attemptNumber !== undefined) {
    return 'an audit asks about the asset that passed: approve names no attempt';
  }
  return undefined;
}

/** MurmurHash3's 32-bit finaliser (https://github.com/aappleby/smhasher, MurmurHash3.cpp fmix32): every input bit reaches every output bit. */
export function fmix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
