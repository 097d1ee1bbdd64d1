import { createHash } from 'node:crypto';

/**
 * How a generated picture should look, read from the words of its prompt, so the judge (which
 * only sees pixels and text) has something real to score: warm prompts give warm pixels, "sharp
 * focus" gives crisp detail, "night" gives dark frames.
 */
export interface PromptLook {
  /** -1 cold blue/gray … 0 neutral … 1 warm golden. */
  warmth: number;
  /** 0 soft and slightly blurred … 1 crisp fine detail. */
  sharpness: number;
  /** -1 dark … 1 bright. */
  brightness: number;
  /** 0 a single clear subject on a plain background … 1 a busy frame. */
  clutter: number;
  /** Saturated glowing accents (neon signage and the like). */
  neon: boolean;
  /** Seeds every random choice, so one prompt always gives the same picture. */
  seed: number;
}

type Cue = readonly [phrase: string, weight: number];

const WARMTH_CUES: readonly Cue[] = [
  ['warm', 0.3],
  ['golden', 0.3],
  ['earth tones', 0.3],
  ['browns', 0.15],
  ['sunset', 0.3],
  ['sunrise', 0.2],
  ['cozy', 0.2],
  ['amber', 0.25],
  ['candle', 0.2],
  ['autumn', 0.2],
  ['wooden', 0.1],
  ['blue/gray', -0.5],
  ['blue', -0.3],
  ['gray', -0.25],
  ['grey', -0.25],
  ['cold', -0.35],
  ['cool tones', -0.3],
  ['clinical', -0.4],
  ['sterile', -0.3],
  ['neon', -0.3],
  ['fluorescent', -0.3],
  ['steel', -0.2],
  ['icy', -0.3],
];

const SHARPNESS_CUES: readonly Cue[] = [
  ['sharp focus', 0.6],
  ['high resolution', 0.4],
  ['crisp', 0.4],
  ['highly detailed', 0.4],
  ['detailed', 0.2],
  ['4k', 0.3],
  ['8k', 0.3],
  ['professional quality', 0.15],
  ['soft focus', -0.6],
  ['blurry', -0.8],
  ['hazy', -0.3],
  ['misty', -0.2],
  ['dreamy', -0.3],
];

const BRIGHTNESS_CUES: readonly Cue[] = [
  ['night', -0.6],
  ['dark', -0.5],
  ['dim', -0.3],
  ['moody', -0.3],
  ['shadowy', -0.3],
  ['bright', 0.35],
  ['sunny', 0.3],
  ['daylight', 0.3],
  ['airy', 0.2],
  ['natural lighting', 0.15],
];

const CLUTTER_CUES: readonly Cue[] = [
  ['single clear subject', -0.35],
  ['simple composition', -0.25],
  ['uncluttered', -0.25],
  ['minimalist', -0.25],
  ['clear subject', -0.1],
  ['busy', 0.35],
  ['crowded', 0.35],
  ['cluttered', 0.4],
  ['many', 0.15],
];

/**
 * Drops "Avoid: …" clauses: every improved prompt ends with one that names cold, blue/gray
 * looks, and those words must not paint the picture they ask to avoid. A clause runs to the end
 * of its line or to a closing quote, whichever comes first.
 */
export function stripAvoidClauses(text: string): string {
  return text.replace(/\b(?:avoid|negative prompt)\s*:[^\n"]*/gi, ' ');
}

export function promptLook(prompt: string): PromptLook {
  const text = stripAvoidClauses(prompt).toLowerCase();
  return {
    warmth: clamp(sumCues(text, WARMTH_CUES), -1, 1),
    sharpness: clamp(0.15 + sumCues(text, SHARPNESS_CUES), 0, 1),
    brightness: clamp(sumCues(text, BRIGHTNESS_CUES), -1, 1),
    clutter: clamp(0.55 + sumCues(text, CLUTTER_CUES), 0, 1),
    neon: text.includes('neon') || text.includes('hologra'),
    seed: seedOf(prompt),
  };
}

/**
 * Each cue counts once, however often it appears, and only as a whole word ("dim" is not
 * "dimension"); a matched cue is blanked so "blue/gray" does not also count as "blue".
 */
function sumCues(text: string, cues: readonly Cue[]): number {
  let remaining = text;
  let total = 0;
  for (const [phrase, weight] of cues) {
    const pattern = new RegExp(`\\b${escapeRegExp(phrase)}\\b`, 'g');
    if (pattern.test(remaining)) {
      total += weight;
      remaining = remaining.replace(pattern, ' ');
    }
  }
  return total;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

export function seedOf(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32BE(0);
}

export function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
