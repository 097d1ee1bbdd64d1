import type { IssueCategory, SceneIssue } from '../../domain/analysis';
import type { JudgeVerdict } from '../../analysis/judge-verdict';
import { clamp, promptLook, seedOf, stripAvoidClauses } from '../media/prompt-look';
import { conceptPresence, readText, type Concept, type ConceptPresence } from './concept-vocabulary';
import type { ImageMetrics } from './image-metrics';
import { findScenePrompt } from './scene-text';

/**
 * The simulator's own judge, used when no scenario rule scripts the score. It looks at the
 * pixels it is sent (warmth, detail, exposure) and the words of the prompt the asset was made
 * from, read with its own vocabulary (concept-vocabulary.ts: warm light, simplicity, realism and
 * the like, however they are worded; cold or artificial looks), so a plain first prompt lands
 * around 45-65, a prompt that addresses the issues found lifts it by about ten, and cold
 * blue/gray or neon scenes stay low. Without noise this is the asset's true quality: what a
 * careful reviewer would score.
 */

export interface JudgeInput {
  /** Text of the user turns: the scene's data and prompt. Instructions in `system` are not read. */
  userText: string;
  images: ImageMetrics[];
  /** A scripted score (scenario rule) that replaces the judge's own overall score. */
  scriptedScore?: number;
  /** Scripted issues that replace the judge's own. */
  scriptedIssues?: SceneIssue[];
}

/** What the pixels say, normalised; read from the prompt's look when no image was sent. */
interface Signals {
  warm: number;
  crisp: number;
  luma: number;
}

type CategoryScores = JudgeVerdict['categoryScores'];

const CATEGORY_WEIGHTS: Record<IssueCategory, number> = {
  brand_compliance: 0.25,
  technical: 0.2,
  ai_artifacts: 0.15,
  content_match: 0.2,
  composition: 0.2,
};

/** A category below this still gets a (low) issue, so its fix phrase stays in the next prompt. */
export const ISSUE_BELOW = 85;

/** Scenes that ask for a cold or artificial look never pass on the judge's own model. */
const OFF_BRAND_CEILING = 60;

const COOL_CUES = /\b(blue\/gr[ae]y|blue|gr[ae]y|cold|clinical|sterile|neon|fluorescent|icy)\b/;
const ARTIFICIAL_CUES = /\b(neon|hologram|holographic|signage|lettering|dashboard|interface|infographic|text overlays?)\b/;

/**
 * The simulated judge's recommendation for an overall score: approve from the product's default
 * passing score (70), a critical failure under 30, otherwise regenerate.
 */
export function simulatedRecommendation(overall: number): JudgeVerdict['recommendation'] {
  return overall >= 70 ? 'approve' : overall < 30 ? 'critical_fail' : 'regenerate';
}

export function judge(input: JudgeInput): JudgeVerdict {
  const scene = findScenePrompt(input.userText);
  // The asset was made from its prompt: the scene's narration or a brand's guidelines elsewhere in
  // the request describe what it should be, not what it is. The Avoid clause names what the
  // prompt asks to be absent, so its words paint nothing.
  const cueText = stripAvoidClauses(scene.prompt ?? input.userText);
  const phrases = conceptPresence(cueText);
  const plainWords = readText(cueText).asked;
  const signals = input.images.length > 0 ? pixelSignals(input.images) : lookSignals(cueText);
  const offsets = sceneOffsets(scene.key);

  const coolWords = COOL_CUES.test(plainWords);
  const artificialWords = ARTIFICIAL_CUES.test(plainWords);
  let scores = categoryScores(signals, phrases, coolWords, artificialWords, offsets);
  let overall = weightedScore(scores);
  if (coolWords || artificialWords) {
    overall = Math.min(overall, OFF_BRAND_CEILING);
  }
  if (input.scriptedScore !== undefined) {
    scores = shiftScores(scores, input.scriptedScore - overall);
    overall = input.scriptedScore;
  }

  const issues = input.scriptedIssues ?? issuesFor(scores, signals, coolWords);
  return {
    overallScore: overall,
    categoryScores: scores,
    issues,
    recommendation: simulatedRecommendation(overall),
    improvedPrompt: improvedPrompt(scene.prompt, scores, phrases),
  };
}

function categoryScores(
  signals: Signals,
  phrases: ConceptPresence,
  coolWords: boolean,
  artificialWords: boolean,
  offsets: { overall: number; perCategory: CategoryScores },
): CategoryScores {
  const underexposure = Math.max(0, 0.38 - signals.luma) / 0.38;
  const raw: CategoryScores = {
    brand_compliance:
      46 + 14 * signals.warm + 3 * phrases.warmLight + 3 * phrases.earthPalette + 6 * phrases.homelyMaterials - (coolWords ? 20 : 0),
    technical: 45 + 14 * signals.crisp + 4 * phrases.sharpDetail - 22 * underexposure,
    ai_artifacts: 58 + 8 * phrases.realism + 6 * phrases.minimalStyle - (artificialWords ? 16 : 0),
    content_match: 60 + 8 * phrases.subjectFocus + 18 * phrases.simplicity + 4 * phrases.minimalStyle,
    composition: 52 + 8 * phrases.balancedFrame + 20 * phrases.simplicity + 10 * phrases.minimalStyle,
  };
  const scores = mapScores(raw, (category, value) => value + offsets.overall + offsets.perCategory[category]);
  // Asking for a cold or artificial look breaks the brand however well the rest is done.
  if (coolWords) scores.brand_compliance = Math.min(scores.brand_compliance, 35);
  return scores;
}

function weightedScore(scores: CategoryScores): number {
  let total = 0;
  for (const [category, weight] of Object.entries(CATEGORY_WEIGHTS) as [IssueCategory, number][]) {
    total += scores[category] * weight;
  }
  return Math.round(clamp(total, 0, 100));
}

function shiftScores(scores: CategoryScores, by: number): CategoryScores {
  return mapScores(scores, (_, value) => value + by);
}

function mapScores(scores: CategoryScores, change: (category: IssueCategory, value: number) => number): CategoryScores {
  const entries = (Object.keys(scores) as IssueCategory[]).map((category) => [
    category,
    Math.round(clamp(change(category, scores[category]), 0, 100)),
  ]);
  return Object.fromEntries(entries) as CategoryScores;
}

/** Same scene, same offsets: the scene's own difficulty, stable across its attempts. */
function sceneOffsets(key: string): { overall: number; perCategory: CategoryScores } {
  const seed = seedOf(`judge:${key}`);
  const unit = (shift: number) => ((seed >>> shift) & 0xff) / 255;
  return {
    overall: Math.round(unit(0) * 14 - 7),
    perCategory: {
      brand_compliance: Math.round(unit(8) * 6 - 3),
      technical: Math.round(unit(12) * 6 - 3),
      ai_artifacts: Math.round(unit(16) * 6 - 3),
      content_match: Math.round(unit(20) * 6 - 3),
      composition: Math.round(unit(24) * 6 - 3),
    },
  };
}

function pixelSignals(images: ImageMetrics[]): Signals {
  const mean = (pick: (metrics: ImageMetrics) => number) =>
    images.reduce((sum, metrics) => sum + pick(metrics), 0) / images.length;
  const edgeEnergy = mean((metrics) => metrics.edgeEnergy);
  return {
    // Neutral renders measure about +0.02 (+0.05 once through H.264), the warmest +0.25 to +0.42,
    // cold ones below -0.2.
    warm: clamp((mean((metrics) => metrics.warmth) - 0.02) / 0.25, -1, 1),
    // Blurred frames measure about 1, crisp ones 15 and more; the scale in between is logarithmic.
    crisp: clamp(Math.log(Math.max(edgeEnergy, 1e-3) / 1.5) / Math.log(10), 0, 1),
    luma: mean((metrics) => metrics.brightness),
  };
}

function lookSignals(text: string): Signals {
  const look = promptLook(text);
  return { warm: look.warmth, crisp: Math.max(0, (look.sharpness - 0.15) / 0.85), luma: 0.53 + 0.4 * Math.min(0, look.brightness) };
}

function issuesFor(scores: CategoryScores, signals: Signals, coolWords: boolean): SceneIssue[] {
  const issues: SceneIssue[] = [];
  for (const category of Object.keys(scores) as IssueCategory[]) {
    const score = scores[category];
    if (score >= ISSUE_BELOW) continue;
    issues.push({ category, severity: severityOf(score), description: describe(category, score, signals, coolWords) });
  }
  return issues.sort((a, b) => scores[a.category] - scores[b.category]);
}

function severityOf(score: number): SceneIssue['severity'] {
  if (score < 30) return 'critical';
  if (score < 50) return 'high';
  if (score < 70) return 'medium';
  return 'low';
}

/** Brand descriptions name lighting and color, the words the judge's instructions ask an issue to use. */
function describe(category: IssueCategory, score: number, signals: Signals, coolWords: boolean): string {
  switch (category) {
    case 'brand_compliance':
      if (coolWords || signals.warm < -0.2) {
        return 'Cold, clinical lighting and a blue/gray color palette clash with the warm, natural brand look';
      }
      if (signals.warm < 0.5) return 'Flat, neutral lighting and a muted color palette; the brand calls for warm, natural tones';
      return 'Lighting is warm, but the color palette could lean further into natural earth tones';
    case 'technical':
      if (signals.luma < 0.3) return 'Underexposed: shadows are crushed and detail is lost in the dark areas';
      if (signals.crisp < 0.5) return 'The image is soft: focus is not sharp and fine detail is missing';
      return 'Minor softness in the finest detail';
    case 'ai_artifacts':
      return score < 55
        ? 'Glowing signage and garbled lettering typical of AI generation'
        : 'Surfaces look slightly waxy and synthetic, a common AI artifact';
    case 'content_match':
      return score < 70
        ? 'The main subject does not stand out clearly from its surroundings'
        : 'The main subject could be more prominent in the frame';
    case 'composition':
      return score < 70
        ? 'Busy frame without a clear focal point; the background competes with the subject'
        : 'Composition is acceptable but the framing could be cleaner';
  }
}

/**
 * The judge's own advice per category, in its own words: a real judge rewrites the prompt in
 * whatever words it likes, and a product that keys on exact phrases would break on them.
 */
const SUGGESTION: Record<IssueCategory, { text: string; concept: Concept }> = {
  brand_compliance: { text: 'warm golden daylight with gentle shadows and earthy natural colours', concept: 'warmLight' },
  technical: { text: 'crisp, finely detailed, tack-sharp focus, studio-grade quality', concept: 'sharpDetail' },
  ai_artifacts: { text: 'true-to-life and photorealistic, free of any lettering or interface graphics, a pristine image', concept: 'realism' },
  content_match: { text: 'the main subject centred and plainly visible', concept: 'subjectFocus' },
  composition: { text: 'a well-balanced frame with one clear focal point against a plain backdrop', concept: 'balancedFrame' },
};

/** The judged prompt plus advice for its two weakest categories, unless the prompt already asks for it. */
function improvedPrompt(scenePrompt: string | undefined, scores: CategoryScores, asked: ConceptPresence): string {
  const base = (scenePrompt ? stripAvoidClauses(scenePrompt) : '').trim().replace(/[\s.,;]+$/, '') || 'The scene';
  const weakest = (Object.keys(scores) as IssueCategory[])
    .filter((category) => scores[category] < ISSUE_BELOW)
    .sort((a, b) => scores[a] - scores[b])
    .slice(0, 2)
    .map((category) => SUGGESTION[category])
    .filter((suggestion) => asked[suggestion.concept] < 1)
    .map((suggestion) => suggestion.text);
  return weakest.length > 0 ? `${base}, ${weakest.join(', ')}` : base;
}
