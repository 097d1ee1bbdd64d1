/**
 * Review entries whose decision was signalled but not yet carried out. The entry stays pending
 * until the round's own activity closes it, so without this a double click would send a second
 * decision that the round then ignores while the API answered 202 to both.
 */
export class DecisionsInFlight {
  private readonly claimedUntil = new Map<number, number>();

  /** After holdMs a still-pending entry may be decided again: the round refused the first. */
  constructor(private readonly holdMs: number) {}

  /** True when the caller may send a decision for the entry; false while another is in flight. */
  claim(entryId: number, now = Date.now()): boolean {
    for (const [id, until] of this.claimedUntil) if (until <= now) this.claimedUntil.delete(id);
    if (this.claimedUntil.has(entryId)) return false;
    this.claimedUntil.set(entryId, now + this.holdMs);
    return true;
  }

  release(entryId: number): void {
    this.claimedUntil.delete(entryId);
  }
}
