import { createHash } from 'node:crypto';

/**
 * A small seeded source of uniform numbers in [0, 1) (mulberry32): the same seed always gives the
 * same sequence, so the simulator's pictures, its judge's noise and a failing random test can be
 * made again exactly.
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A source of uniform numbers in [0, 1). */
export type Rng = () => number;

/**
 * A reproducible uniform source (mulberry32). A string seed is hashed, so `seededRng('7:scene-3')`
 * is as good a seed as a number; the same seed always gives the same sequence.
 */
export function seededRng(seed: number | string): Rng {
  return mulberry32(typeof seed === 'number' ? seed : createHash('sha256').update(seed).digest().readUInt32BE(0));
}

/** One standard normal draw (Box–Muller), taking two uniforms from `rng`. */
export function gaussian(rng: Rng): number {
  const u = Math.max(rng(), Number.MIN_VALUE);
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/**
 * The standard normal distribution function Φ(x), by Abramowitz and Stegun 7.1.26 (absolute
 * error below 1.5e-7): turns a normal draw back into a uniform one.
 */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-z * z);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}
