export const VIDEO_PROVIDERS = ['kling', 'runway', 'luma', 'hailuo'] as const;
export const IMAGE_PROVIDERS = ['falai', 'flux'] as const;
export const PROVIDER_NAMES = [...VIDEO_PROVIDERS, ...IMAGE_PROVIDERS] as const;

export type ProviderName = (typeof PROVIDER_NAMES)[number];

export function isProviderName(value: unknown): value is ProviderName {
  return (PROVIDER_NAMES as readonly unknown[]).includes(value);
}

export function isImageProvider(provider: ProviderName): boolean {
  return (IMAGE_PROVIDERS as readonly string[]).includes(provider);
}
