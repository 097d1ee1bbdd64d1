import { z } from 'zod';

export const VIDEO_PROVIDERS = ['kling', 'runway', 'luma', 'hailuo'] as const;
export const IMAGE_PROVIDERS = ['falai', 'flux'] as const;

export const ProviderNameSchema = z.enum([...VIDEO_PROVIDERS, ...IMAGE_PROVIDERS]);
export type ProviderName = z.infer<typeof ProviderNameSchema>;

export function isImageProvider(provider: ProviderName): boolean {
  return (IMAGE_PROVIDERS as readonly string[]).includes(provider);
}
