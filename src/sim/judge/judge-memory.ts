import { seededRng, type Rng } from './quality-model';

/** Enough for a long demo; the oldest assets are forgotten first beyond it. */
const MAX_REMEMBERED_ASSETS = 20_000;

/**
 * What the simulated judge keeps between requests: how often it has seen each request (so a
 * re-judgment of the same asset draws fresh noise, while a whole run with the same seed draws the
 * same noise whatever order its scenes interleave in), and each judged asset's true quality (so
 * a pairwise request ranks two assets by the same numbers their analyses came from).
 */
export class JudgeMemory {
  private readonly occurrences = new Map<string, number>();
  private readonly truths = new Map<string, number>();

  /** A fresh noise source for this request: seed, request fingerprint, and which time it is seen. */
  rngFor(seed: number, requestKey: string): Rng {
    const nth = this.occurrences.get(requestKey) ?? 0;
    this.occurrences.set(requestKey, nth + 1);
    return seededRng(`${seed}:${requestKey}:${nth}`);
  }

  rememberTruth(assetKey: string, value: number): void {
    this.truths.delete(assetKey);
    this.truths.set(assetKey, value);
    if (this.truths.size > MAX_REMEMBERED_ASSETS) {
      const oldest = this.truths.keys().next().value;
      if (oldest !== undefined) this.truths.delete(oldest);
    }
  }

  truthOf(assetKey: string): number | undefined {
    return this.truths.get(assetKey);
  }

  clear(): void {
    this.occurrences.clear();
    this.truths.clear();
  }
}
