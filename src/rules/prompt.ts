import type { SceneAnalysisResult } from '../domain/analysis';
import type { BrandProfile } from '../domain/brand';
import { CATEGORY_FIXES, DEFAULT_BRAND_FIXES, MINIMALIST_PHRASE, SIMPLIFY_PHRASE } from './fix-phrases';
import { limitPrompt } from '../catalog/prompt-limit';

export interface PromptInput {
  attemptNumber: number;
  visualDirection: string;
  /** A person's prompt for this round (manual regeneration or a reviewer); it always wins. */
  personPrompt?: string;
  analysis: SceneAnalysisResult;
  brandProfile?: BrandProfile;
  /**
   * The provider's longest prompt (src/catalog/prompt-limit.ts promptLimit). The cut happens
   * here, not in the adapter, so that the attempt records exactly the prompt that was sent.
   */
  maxLength?: number;
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

  return fitPrompt({
    base,
    fixes: [...new Set(phrases)],
    avoid: brandProfile?.avoid ?? DEFAULT_BRAND_FIXES.avoid,
    maxLength: input.maxLength,
  });
}

/**
 * Joins base, fix phrases and the Avoid list, within `maxLength` when given (SPEC.md "Cost and
 * provider health"). The base is what gets shortened, to nothing if need be: the fix phrases and
 * the Avoid list are what this attempt changes and the brand's hard line, while the base's tail
 * repeats what the scene asked for last. The base is cut at a word and without an ellipsis: a
 * generation model reads the prompt as instructions, and "…" tells it nothing while taking room
 * (the page shows the whole visual direction beside the prompt sent).
 */
export function fitPrompt(parts: { base: string; fixes: readonly string[]; avoid: string; maxLength?: number }): string {
  const { fixes, maxLength } = parts;
  const tail = `Avoid: ${parts.avoid}`;
  const join = (base: string) => {
    // The base's own closing punctuation would otherwise double up with the ". " we join with.
    const trimmedBase = base.trim().replace(/[.\s]+$/, '');
    return [trimmedBase, fixes.join(', '), tail].filter((part) => part !== '').join('. ');
  };
  const whole = join(parts.base);
  if (maxLength === undefined || whole.length <= maxLength) return whole;
  const room = maxLength - join('').length - '. '.length;
  // Fixes and the Avoid list longer than the provider's whole limit: only the plain cut keeps the
  // request valid. No default profile comes near it (the shortest limit is 1,000 characters).
  if (room < 0) return limitPrompt(join(''), maxLength);
  // A cut that ends on a clause's comma would read "word,. fix".
  return join(wholeWords(parts.base.trim(), room).replace(/[,;:\s]+$/, ''));
}

/** The longest start of `text` within `room` that ends at a word; nothing when no word fits. */
function wholeWords(text: string, room: number): string {
  if (text.length <= room) return text;
  const end = text.slice(0, room + 1).lastIndexOf(' ');
  return end > 0 ? text.slice(0, end) : '';
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
