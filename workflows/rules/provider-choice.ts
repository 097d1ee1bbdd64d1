import type { SceneKind } from '../../src/domain/activity-types';
import { isImageProvider, type ProviderName } from '../../src/domain/provider';

/** SPEC.md: a scene is video when it has a duration and its provider is not an image provider. */
export function sceneKind(duration: number, provider: ProviderName): SceneKind {
  return duration > 0 && !isImageProvider(provider) ? 'video' : 'image';
}

/** SPEC.md "Best provider for a content type". */
export const BEST_PROVIDER_FOR_CONTENT: Readonly<Record<string, ProviderName>> = {
  person: 'kling',
  lifestyle: 'kling',
  product: 'luma',
  nature: 'hailuo',
  cinematic: 'runway',
  food: 'flux',
  object: 'flux',
};

export interface ProviderChoice {
  attemptNumber: number;
  currentProvider: ProviderName;
  contentType: string;
  fallbackOrder: readonly ProviderName[];
}

/** SPEC.md "Provider for each attempt". */
export function providerForAttempt(choice: ProviderChoice): ProviderName {
  const { attemptNumber, currentProvider, contentType, fallbackOrder } = choice;
  const first = fallbackOrder[0];
  if (attemptNumber === 1) return currentProvider;
  if (attemptNumber === 2) return fallbackOrder.find((p) => p !== currentProvider) ?? first;
  if (attemptNumber === 3) {
    const best = BEST_PROVIDER_FOR_CONTENT[contentType.toLowerCase()];
    return best !== undefined && fallbackOrder.includes(best) ? best : first;
  }
  return first;
}
