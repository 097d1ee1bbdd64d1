/**
 * Deterministic draws for the provider choice's exploration (src/rules/expected-value-choice.ts):
 * the same key always gives the same number, so a retried step chooses what its first try chose.
 * Pure; no Math.random.
 */

/** 32-bit FNV-1a of the key (http://www.isthe.com/chongo/tech/comp/fnv/), then one mulberry32 step. */
export function uniformDraw(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  let t = (hash + 0x6d2b79f5) | 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  // Strictly inside (0, 1), so the normal draw below never takes log(0).
  return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4_294_967_296;
}

/** A standard normal draw for the key (Box–Muller on two uniform draws of it). */
export function normalDraw(key: string): number {
  const u = uniformDraw(`${key}#1`);
  const v = uniformDraw(`${key}#2`);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Φ, the standard normal distribution function (Abramowitz & Stegun 7.1.26, error below 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}
