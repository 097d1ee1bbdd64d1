/**
 * A small seeded PRNG (the simulator's mulberry32), so a failing random run can be replayed
 * exactly: tests print the seed and take SEED from the environment.
 */
export { mulberry32 as seededRandom } from '../../src/sim/seeded-random';

/** SEED from the environment when given, else a fresh one; either way the caller prints it. */
export function seedFromEnv(): number {
  const given = process.env.SEED;
  if (given !== undefined && given.trim() !== '') {
    const seed = Number(given);
    if (!Number.isInteger(seed)) throw new Error(`SEED must be an integer, got ${given}`);
    return seed;
  }
  return Math.floor(Math.random() * 2 ** 31);
}
