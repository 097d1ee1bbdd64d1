import { Counter, register } from 'prom-client';
import type { AnalysisUsage } from '../domain/activity-types';

/**
 * Counters on prom-client's default registry, so whichever process serves /metrics shows how
 * many analyses the technical checks settled without paying for Claude, and what Claude cost.
 */

function counter<T extends string>(name: string, help: string, labelNames: readonly T[]): Counter<T> {
  // A second load of this module (tests, hot reload) must reuse the registered counter.
  const existing = register.getSingleMetric(name);
  if (existing) return existing as Counter<T>;
  return new Counter({ name, help, labelNames });
}

const analyses = counter('scene_analysis_total', 'Scene analyses by how they were settled', ['outcome'] as const);
const tokens = counter('scene_analysis_tokens_total', 'Claude tokens spent on scene analysis', ['kind'] as const);
const cost = counter('scene_analysis_cost_usd_total', 'Claude cost of scene analysis in US dollars', [] as const);
const images = counter('scene_analysis_images_total', 'Images sent to Claude for scene analysis', [] as const);

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
