import { roundUsd } from '../catalog/cost';
import type { AnalysisUsage } from '../domain/judging';

export interface ModelPrice {
  inputPerMTok: number;
  outputPerMTok: number;
}

// Anthropic bills a 5-minute cache write at 1.25× the input price and a cache read at 0.1×.
const CACHE_WRITE_MULTIPLIER = 1.25;
const CACHE_READ_MULTIPLIER = 0.1;

/**
 * The price of a model id, also for dated ids ("claude-haiku-4-5-20251001" is priced as
 * "claude-haiku-4-5"); the longest matching entry wins so "claude-sonnet-4-5" never takes
 * "claude-sonnet-4" prices. Undefined when the table does not know the model.
 */
export function findModelPrice(model: string, prices: Readonly<Record<string, ModelPrice>>): ModelPrice | undefined {
  if (prices[model]) return prices[model];
  const prefix = Object.keys(prices)
    .filter((id) => model.startsWith(`${id}-`))
    .sort((a, b) => b.length - a.length)[0];
  return prefix === undefined ? undefined : prices[prefix];
}

export type TokenUsage = Omit<AnalysisUsage, 'imagesSent'>;

export function analysisCostUsd(usage: TokenUsage, price: ModelPrice): number {
  const input =
    usage.inputTokens +
    usage.cacheCreationInputTokens * CACHE_WRITE_MULTIPLIER +
    usage.cacheReadInputTokens * CACHE_READ_MULTIPLIER;
  const usd = (input * price.inputPerMTok + usage.outputTokens * price.outputPerMTok) / 1_000_000;
  return roundUsd(usd);
}

export function addUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cacheCreationInputTokens: a.cacheCreationInputTokens + b.cacheCreationInputTokens,
    cacheReadInputTokens: a.cacheReadInputTokens + b.cacheReadInputTokens,
  };
}

export const NO_USAGE: TokenUsage = { inputTokens: 0, outputTokens: 0, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 };
