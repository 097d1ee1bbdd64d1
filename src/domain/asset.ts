import { z } from 'zod';

/** What travels through Temporal instead of bytes: where our own copy lives and what it is. */
export const AssetRefSchema = z.object({
  /** Stable URL of the stored copy, served by our web server; never the provider's expiring URL. */
  url: z.string(),
  /** Content address inside the asset store (sha256 plus extension). */
  key: z.string(),
  sha256: z.string(),
  sizeBytes: z.number().int().nonnegative(),
  mediaType: z.string(),
  width: z.number().int().optional(),
  height: z.number().int().optional(),
  durationSeconds: z.number().optional(),
});
export type AssetRef = z.infer<typeof AssetRefSchema>;
