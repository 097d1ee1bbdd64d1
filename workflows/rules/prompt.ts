import type { SceneAnalysisResult } from '../../src/domain/analysis';
import type { BrandProfile } from '../../src/domain/brand';
import { CATEGORY_FIXES, DEFAULT_BRAND_FIXES, MINIMALIST_PHRASE, SIMPLIFY_PHRASE } from '../../src/domain/fix-phrases';

export interface PromptInput {
  attemptNumber: number;
  visualDirection: string;
  /** A person's prompt for this round (manual regeneration or a reviewer); it always wins. */
  personPrompt?: string;
  analysis: SceneAnalysisResult;
  brandProfile?: BrandProfile;
}

/**
 * What an attempt's prompt is built on, before fix phrases: a person's prompt, else on attempt 1
 * the judge's improved prompt, else the visual direction. The page diffs attempt 1 against it.
 */
export function promptBase(input: Pick<PromptInput, 'attemptNumber' | 'visualDirection' | 'personPrompt'> & {
  analysis?: Pick<SceneAnalysisResult, 'improvedPrompt'>;
}): string {
  if (input.personPrompt !== undefined) return input.personPrompt;
  if (input.attemptNumber === 1 && input.analysis?.improvedPrompt) return input.analysis.improvedPrompt;
  return input.visualDirection;
}

/** SPEC.md "Improved prompt for an attempt". */
export function improvedPrompt(input: PromptInput): string {
  const { attemptNumber, analysis, brandProfile } = input;
  const base = promptBase(input);
  const phrases: string[] = [];
  for (const issue of analysis.issues) {
    if (issue.category === 'brand_compliance') phrases.push(...brandFixes(issue.description, brandProfile));
    else phrases.push(CATEGORY_FIXES[issue.category]);
  }
  if (attemptNumber >= 2) phrases.push(SIMPLIFY_PHRASE);
  if (attemptNumber >= 3) phrases.push(MINIMALIST_PHRASE);

  const unique = [...new Set(phrases)];
  // The base's own closing punctuation would otherwise double up with the ". " we join with.
  const trimmedBase = base.trim().replace(/[.\s]+$/, '');
  const body = unique.length > 0 ? `${trimmedBase}. ${unique.join(', ')}` : trimmedBase;
  return `${body}. Avoid: ${brandProfile?.avoid ?? DEFAULT_BRAND_FIXES.avoid}`;
}

function brandFixes(description: string, brand: BrandProfile | undefined): string[] {
  const text = description.toLowerCase();
  const fixes: string[] = [];
  if (text.includes('lighting')) fixes.push(brand?.lightingFix ?? DEFAULT_BRAND_FIXES.lightingFix);
  if (text.includes('color') || text.includes('colour')) fixes.push(brand?.colorFix ?? DEFAULT_BRAND_FIXES.colorFix);
  if (text.includes('clinical') || text.includes('corporate')) {
    fixes.push(brand?.corporateFix ?? DEFAULT_BRAND_FIXES.corporateFix);
  }
  return fixes;
}
