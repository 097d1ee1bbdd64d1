import type { IssueCategory } from '../domain/analysis';

/**
 * SPEC.md's fix phrases. The prompt rule adds them and the judge's house brand names them, so
 * both read the same words from here. The simulator does not: it reads prompts with its own
 * vocabulary, so these phrases can be reworded without the simulated judge rewarding them less.
 */
export const DEFAULT_BRAND_FIXES = {
  lightingFix: 'warm golden natural lighting, soft shadows',
  colorFix: 'earth tones, warm browns and greens, natural palette',
  corporateFix: 'cozy home environment, natural textures, organic materials',
  avoid: 'garbled text, fake UI, distorted features, cold clinical lighting, blue/gray tones',
} as const;

export const CATEGORY_FIXES: Readonly<Record<Exclude<IssueCategory, 'brand_compliance'>, string>> = {
  ai_artifacts: 'photorealistic, no text overlays, no UI elements, clean image',
  content_match: 'focus on the main subject clearly visible',
  technical: 'high resolution, sharp focus, professional quality',
  composition: 'balanced composition, clear subject, uncluttered background',
};

/** Added from attempt 2 on. */
export const SIMPLIFY_PHRASE = 'simple composition, single clear subject';
/** Added from attempt 3 on. */
export const MINIMALIST_PHRASE = 'minimalist, clean, professional photography style';
