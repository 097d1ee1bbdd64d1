import { z } from 'zod';

/** Replaces the default brand phrases of SPEC.md for one project. */
export const BrandProfileSchema = z.object({
  guidelines: z.string().optional(),
  lightingFix: z.string().optional(),
  colorFix: z.string().optional(),
  corporateFix: z.string().optional(),
  avoid: z.string().optional(),
});
export type BrandProfile = z.infer<typeof BrandProfileSchema>;

export const ProjectRefSchema = z.object({
  id: z.number().int(),
  name: z.string().optional(),
  brandProfile: BrandProfileSchema.optional(),
});
export type ProjectRef = z.infer<typeof ProjectRefSchema>;
