import { roundTo } from '../domain/numbers';
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

/** Dollars to six decimals (a judgment costs fractions of a cent), as every cost is stored and compared. */
export function roundUsd(usd: number): number {
  return roundTo(usd, 1_000_000);
}
