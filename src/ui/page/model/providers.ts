import type { ProviderName } from '../api/types';

/**
 * The provider names of CONTRACT.md for the picker, listed here rather than imported so the
 * page bundle does not carry the server's schema library. A test keeps both lists equal.
 */
export const VIDEO_PROVIDERS: readonly ProviderName[] = ['kling', 'runway', 'luma', 'hailuo'];
export const IMAGE_PROVIDERS: readonly ProviderName[] = ['falai', 'flux'];

export function isImageProvider(provider: ProviderName): boolean {
  return IMAGE_PROVIDERS.includes(provider);
}
