/**
 * `value` to the nearest 1/`per` (per 1_000_000: six decimals), so float sums and products
 * (0.1 * 3 = 0.30000000000000004) do not leak into stored figures or miss a bound by a hair.
 */
export function roundTo(value: number, per: number): number {
  return Math.round(value * per) / per;
}
