import type { SceneKind, SceneNeeds } from '../domain/scene';
import { isImageProvider, type ProviderName } from '../domain/provider';
import type { SkippedProvider } from '../domain/regeneration';
import { DEFAULT_ASPECT_RATIO } from '../domain/scene';
import { capabilityProblem } from './capabilities';

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

/**
 * What the scene needs of a provider, fixed by the scene itself (its duration and the provider
 * that made its asset, SPEC.md), never by the provider a person would like next: naming an image
 * provider does not turn a video scene into a still.
 */
export function sceneNeeds(scene: { duration: number; aspectRatio?: string }, currentProvider: ProviderName): SceneNeeds {
  const kind = sceneKind(scene.duration, currentProvider);
  return {
    kind,
    durationSeconds: kind === 'video' ? scene.duration : 0,
    aspectRatio: scene.aspectRatio ?? DEFAULT_ASPECT_RATIO,
  };
}

export interface ProviderCandidates {
  /** Providers to try in order: the static choice first, then the fallback order after it. */
  candidates: ProviderName[];
  /** Providers passed over because they cannot make the scene. */
  skipped: SkippedProvider[];
}

/**
 * The providers an attempt may use, best first: the static choice (`preferred`), then the rest
 * of the fallback order from the one after it, wrapping around, leaving out any provider that
 * cannot make the scene. The first whose breaker lets it through is taken (provider-health.ts).
 */
export function providerCandidates(preferred: ProviderName, fallbackOrder: readonly ProviderName[], needs: SceneNeeds): ProviderCandidates {
  const start = fallbackOrder.indexOf(preferred);
  const rotated = start < 0 ? [...fallbackOrder] : [...fallbackOrder.slice(start + 1), ...fallbackOrder.slice(0, start)];
  const candidates: ProviderName[] = [];
  const skipped: SkippedProvider[] = [];
  for (const provider of [preferred, ...rotated]) {
    if (candidates.includes(provider) || skipped.some((s) => s.provider === provider)) continue;
    const problem = capabilityProblem(provider, needs);
    if (problem === undefined) candidates.push(provider);
    // Only the static choice is reported: the others were never going to be used.
    else if (provider === preferred) skipped.push({ provider, reason: problem });
  }
  return { candidates, skipped };
}
