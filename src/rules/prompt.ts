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
 * Joins base, fix phrases and the Avoid list, within `maxLength` when given. The base is what
 * gets shortened: the fix phrases and the Avoid list are what this attempt changes, while the
 * base's tail repeats what the scene asked for last. The base is cut at a word and without an
 * ellipsis: a generation model reads the prompt as instructions, and "…" tells it nothing while
 * taking room (the page shows the whole visual direction beside the prompt sent).
 */
export function fitPrompt(parts: { base: string; fixes: readonly string[]; avoid: string; maxLength?: number }): string {
  const { avoid, maxLength } = parts;
  const tail = `. Avoid: ${avoid}`;
  const join = (base: string, fixes: readonly string[]) => {
    // The base's own closing punctuation would otherwise double up with the ". " we join with.
    const trimmedBase = base.trim().replace(/[.\s]+$/, '');
    const body = fixes.length > 0 ? `${trimmedBase}. ${fixes.join(', ')}` : trimmedBase;
    return `${body}${tail}`;
  };
  const whole = join(parts.base, parts.fixes);
  if (maxLength === undefined || whole.length <= maxLength) return whole;

  // When the fixes and the Avoid list alone leave no room for a few words of the base, the fixes
  // go last-first: the later ones are the generic simplify/minimalist phrases, the earlier ones
  // answer this asset's own issues. The Avoid list stays: it is the brand's hard line.
  let fixes = [...parts.fixes];
  const roomForBase = () => maxLength - join('', fixes).length;
  while (fixes.length > 0 && roomForBase() < MIN_BASE_CHARS) fixes = fixes.slice(0, -1);
  const room = roomForBase();
  // Only an Avoid list longer than the provider's whole limit gets here: the plain cut keeps the
  // request valid.
  if (room < MIN_BASE_CHARS) return limitPrompt(join(parts.base, []), maxLength);
  // A cut that ends on a clause's comma would read "word,. fix".
  return join(limitPrompt(parts.base.trim(), room).replace(/[,;:\s]+$/, ''), fixes);
}

/** Fewer characters of the base than this would not say what the scene is. */
const MIN_BASE_CHARS = 40;

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
