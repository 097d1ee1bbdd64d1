/**
 * Every decision SPEC.md makes, as pure functions: no Temporal, no I/O, so each rule is
 * unit-tested on its own and the workflow only strings them together.
 */
import type { ProviderName } from '../src/domain/provider';
import { isImageProvider } from '../src/domain/provider';
import type { SceneAnalysisResult, IssueCategory } from '../src/domain/analysis';
import type { BrandProfile } from '../src/domain/brand';
import type { PartialPolicy, RegenerationPolicy } from '../src/domain/policy';
import type { AttemptResult } from '../src/domain/regeneration';
import type { SceneKind } from '../src/domain/activity-types';

export const DEFAULT_POLICY: RegenerationPolicy = {
  maxAttempts: 3,
  minScoreToPass: 70,
  scoreImprovementThreshold: 10,
  providerFallbackOrder: {
    video: ['kling', 'runway', 'luma', 'hailuo'],
    image: ['falai', 'flux'],
  },
};

export function resolvePolicy(partial: PartialPolicy | undefined): RegenerationPolicy {
  return {
    ...DEFAULT_POLICY,
    ...stripUndefined(partial ?? {}),
    providerFallbackOrder: {
      video: partial?.providerFallbackOrder?.video ?? DEFAULT_POLICY.providerFallbackOrder.video,
      image: partial?.providerFallbackOrder?.image ?? DEFAULT_POLICY.providerFallbackOrder.image,
    },
  };
}

/** A scene is video when it has a duration and its provider is not an image provider. */
export function sceneKind(duration: number, provider: ProviderName): SceneKind {
  return duration > 0 && !isImageProvider(provider) ? 'video' : 'image';
}

export const BEST_PROVIDER_FOR_CONTENT: Readonly<Record<string, ProviderName>> = {
  person: 'kling',
  lifestyle: 'kling',
  product: 'luma',
  nature: 'hailuo',
  cinematic: 'runway',
  food: 'flux',
  object: 'flux',
};

export interface ProviderChoice {
  attemptNumber: number;
  currentProvider: ProviderName;
  contentType: string;
  fallbackOrder: readonly ProviderName[];
}

export function providerForAttempt(choice: ProviderChoice): ProviderName {
  const { attemptNumber, currentProvider, contentType, fallbackOrder } = choice;
  const first = fallbackOrder[0];
  if (attemptNumber === 1) return currentProvider;
  if (attemptNumber === 2) return fallbackOrder.find((p) => p !== currentProvider) ?? first;
  if (attemptNumber === 3) {
    const best = BEST_PROVIDER_FOR_CONTENT[contentType.toLowerCase()];
    return best !== undefined && fallbackOrder.includes(best) ? best : first;
  }
  return first;
}

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

export const SIMPLIFY_PHRASE = 'simple composition, single clear subject';
export const MINIMALIST_PHRASE = 'minimalist, clean, professional photography style';

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

export interface PromptInput {
  attemptNumber: number;
  visualDirection: string;
  /** A person's prompt for this round (manual regeneration or a reviewer); it always wins. */
  personPrompt?: string;
  analysis: SceneAnalysisResult;
  brandProfile?: BrandProfile;
}

export function improvedPrompt(input: PromptInput): string {
  const { attemptNumber, analysis, brandProfile } = input;
  let base = input.personPrompt ?? input.visualDirection;
  if (attemptNumber === 1 && input.personPrompt === undefined && analysis.improvedPrompt) {
    base = analysis.improvedPrompt;
  }
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

/** success ends the round; improved becomes current; failed leaves current as it was. */
export function attemptOutcome(scoreAfter: number, currentScore: number, policy: RegenerationPolicy): AttemptResult {
  if (scoreAfter >= policy.minScoreToPass) return 'success';
  const gain = scoreAfter - currentScore;
  if (gain > 0 && gain >= policy.scoreImprovementThreshold) return 'improved';
  return 'failed';
}

/** Whether a freshly analysed scene needs a regeneration round at all. */
export function needsRegeneration(analysis: SceneAnalysisResult, policy: RegenerationPolicy): boolean {
  return (
    analysis.recommendation === 'regenerate' ||
    analysis.recommendation === 'critical_fail' ||
    analysis.overallScore < policy.minScoreToPass
  );
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
