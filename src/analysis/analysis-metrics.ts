import type { AnalysisUsage } from '../domain/judging';
import { analysisMetrics } from '../observability/metrics';

/**
 * What the analysis activity counts: how many analyses the technical checks settled without
 * paying for Claude, and what Claude cost. The counters live with every other product metric in
 * src/observability/metrics.ts, on the registry the worker serves on /metrics.
 */
const { analyses, tokens, cost, images } = analysisMetrics;

export type AnalysisOutcome = 'judged' | 'technical_fail' | 'unusable';

export function countAnalysis(outcome: AnalysisOutcome): void {
  analyses.inc({ outcome });
}

export function countSpend(usage: AnalysisUsage, costUsd: number): void {
  tokens.inc({ kind: 'input' }, usage.inputTokens);
  tokens.inc({ kind: 'output' }, usage.outputTokens);
  tokens.inc({ kind: 'cache_write' }, usage.cacheCreationInputTokens);
  tokens.inc({ kind: 'cache_read' }, usage.cacheReadInputTokens);
  images.inc(usage.imagesSent);
  cost.inc(costUsd);
}
