import type { SceneKind } from '../domain/scene';

export interface GenerationPrice {
  perSecondUsd?: number;
  perItemUsd?: number;
}

/**
 * Video is billed per second when the provider prices it so, otherwise per clip; images per
 * image. `billedSeconds` is the duration the adapter actually asked for, not the one wanted,
 * since that is what the provider charges.
 */
export function generationCostUsd(price: GenerationPrice, kind: SceneKind, billedSeconds: number): number {
  if (kind === 'video' && price.perSecondUsd !== undefined) {
    return roundUsd(price.perSecondUsd * billedSeconds);
  }
  return roundUsd(price.perItemUsd ?? 0);
}

/**
 * Dollars to six decimals: float products and sums (0.1 * 3 = 0.30000000000000004) would
 * otherwise leak into stored costs and miss a budget by a rounding error.
 */
export function roundUsd(usd: number): number {
  return Math.round(usd * 1_000_000) / 1_000_000;
}
