import { seededRng, type Rng } from '../seeded-random';
import { PictureMemory } from './picture-memory';

/** Enough for a long demo; the oldest assets are forgotten first beyond it. */
const MAX_REMEMBERED_ASSETS = 20_000;

/** What the simulator learned about an asset when it judged it. */
export interface JudgedAsset {
  trueQuality: number;
  /** The content type the request named, lower-case. */
  contentType?: string;
}

/**
 * What the simulated judge keeps between requests: how often it has seen each request (so a
 * re-judgment of the same asset draws fresh per-call noise, while a whole run with the same seed
 * draws the same noise whatever order its scenes interleave in), each judged asset's true quality
 * by the images shown (so a pairwise request ranks two assets by the same numbers their analyses
 * came from), and by what the asset was made from (so a simulated reviewer asked about a file
 * the simulator generated judges the asset the judge saw).
 */
export class JudgeMemory {
  private readonly occurrences = new Map<string, number>();
  private readonly truths = new BoundedMap<number>();
  private readonly madeFrom = new BoundedMap<JudgedAsset>();
  /** The edits rendered and the stills judged, found by their pictures (picture-memory.ts). */
  readonly pictures = new PictureMemory();

  /** A fresh noise source for this request: seed, request fingerprint, and which time it is seen. */
  rngFor(seed: number, requestKey: string): Rng {
    const nth = this.occurrences.get(requestKey) ?? 0;
    this.occurrences.set(requestKey, nth + 1);
    return seededRng(`${seed}:${requestKey}:${nth}`);
  }

  rememberTruth(imagesKey: string, value: number): void {
    this.truths.set(imagesKey, value);
  }

  truthOf(imagesKey: string): number | undefined {
    return this.truths.get(imagesKey);
  }

  rememberMadeFrom(madeFromKey: string, asset: JudgedAsset): void {
    this.madeFrom.set(madeFromKey, asset);
  }

  judgedMadeFrom(madeFromKey: string): JudgedAsset | undefined {
    return this.madeFrom.get(madeFromKey);
  }

  clear(): void {
    this.occurrences.clear();
    this.truths.clear();
    this.madeFrom.clear();
    this.pictures.clear();
  }
}

/** A map that forgets its least recently written entries beyond MAX_REMEMBERED_ASSETS. */
class BoundedMap<T> {
  private readonly entries = new Map<string, T>();

  set(key: string, value: T): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > MAX_REMEMBERED_ASSETS) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  get(key: string): T | undefined {
    return this.entries.get(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
