import { CATEGORY_FIXES, DEFAULT_BRAND_FIXES, MINIMALIST_PHRASE, SIMPLIFY_PHRASE } from '../../rules/fix-phrases';

/**
 * SPEC.md's fix phrases, which the simulated judge rewards when it finds them in the text it is
 * sent. Each phrase counts by the share of its comma-separated parts present, so a reworded or
 * partial phrase earns partial credit.
 */
export const FIX_PHRASES = {
  aiArtifacts: CATEGORY_FIXES.ai_artifacts,
  contentMatch: CATEGORY_FIXES.content_match,
  technical: CATEGORY_FIXES.technical,
  composition: CATEGORY_FIXES.composition,
  lighting: DEFAULT_BRAND_FIXES.lightingFix,
  color: DEFAULT_BRAND_FIXES.colorFix,
  corporate: DEFAULT_BRAND_FIXES.corporateFix,
  simplify: SIMPLIFY_PHRASE,
  minimalist: MINIMALIST_PHRASE,
} as const;

export type FixPhrase = keyof typeof FIX_PHRASES;
export type PhrasePresence = Record<FixPhrase, number>;

export function phrasePresence(text: string): PhrasePresence {
  const lower = text.toLowerCase();
  const entries = Object.entries(FIX_PHRASES).map(([name, phrase]) => {
    const parts = phrase
      .toLowerCase()
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== '');
    const present = parts.filter((part) => lower.includes(part)).length;
    return [name, present / parts.length];
  });
  return Object.fromEntries(entries) as PhrasePresence;
}

/** The text with every fix phrase part blanked, so "no text overlays" is not read as text. */
export function withoutFixPhrases(text: string): string {
  let remaining = text.toLowerCase();
  for (const phrase of Object.values(FIX_PHRASES)) {
    for (const part of phrase.toLowerCase().split(',')) {
      const trimmed = part.trim();
      if (trimmed !== '') remaining = remaining.split(trimmed).join(' ');
    }
  }
  return remaining;
}
