import { CLAUDE_IMAGE_TIERS, claudeImageTokens, type ClaudeModelRule } from '../../catalog/limits/anthropic';

/**
 * Tokens as one model counts them: text by its tokenizer (about four characters a token for
 * Claude 4's, about 30 % more for Claude 5's), an image after the API's own shrinking to what the
 * model's image tier reads (src/catalog/limits/anthropic.ts, with the sources).
 */
export interface TokenCount {
  text(text: string): number;
  image(width: number, height: number): number;
}

const CHARACTERS_PER_TOKEN = 4;

export function tokenCount(model: Pick<ClaudeModelRule, 'imageTier' | 'tokenizerFactor'>): TokenCount {
  const limits = CLAUDE_IMAGE_TIERS[model.imageTier];
  return {
    text: (text) => Math.ceil((text.length / CHARACTERS_PER_TOKEN) * model.tokenizerFactor),
    image: (width, height) => {
      // The API shrinks a larger image until both the long edge and the token count fit.
      let scale = Math.min(1, limits.maxLongEdgePx / Math.max(width, height));
      const size = () => [Math.max(1, Math.floor(width * scale)), Math.max(1, Math.floor(height * scale))] as const;
      while (claudeImageTokens(model.imageTier, ...size()) > limits.maxImageTokens) scale *= 0.99;
      return claudeImageTokens(model.imageTier, ...size());
    },
  };
}
