import { FAL_SCHNELL } from './limits/fal';
import { piapiRule } from './limits/piapi';
import { runwayRule } from './limits/runway';

/**
 * The longest prompt each provider is sent for a scene kind, from the rule tables
 * (src/catalog/limits/). Pure and free of zod so that workflow code can import it.
 */
export function promptLimit(provider: string, kind: 'image' | 'video'): number {
  switch (provider) {
    case 'kling':
    case 'luma':
    case 'hailuo':
    case 'flux':
      return piapiRule(provider).promptMax;
    case 'runway':
      return kind === 'video' ? runwayRule('text_to_video', 'gen4.5').promptMax : runwayRule('text_to_image', 'gen4_image').promptMax;
    case 'falai':
      return FAL_SCHNELL.promptMax;
    default:
      throw new Error(`unknown provider ${provider}`);
  }
}

/** Providers reject prompts over their limit; cutting at a word keeps the request valid. */
export function limitPrompt(prompt: string, maxLength: number): string {
  if (prompt.length <= maxLength) return prompt;
  const cut = prompt.slice(0, maxLength);
  const lastSpace = cut.lastIndexOf(' ');
  // A lone high surrogate at the end would be a broken character: drop it.
  const kept = (lastSpace > maxLength * 0.8 ? cut.slice(0, lastSpace) : cut).trimEnd();
  return /[\uD800-\uDBFF]$/.test(kept) ? kept.slice(0, -1) : kept;
}
