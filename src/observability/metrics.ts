import { Counter, Histogram, register, type Registry } from 'prom-client';
import { PROVIDER_NAMES, type ProviderName } from '../domain/provider';
import { ATTEMPT_RESULTS, type RegenerationAttempt, type UserDecision } from '../domain/regeneration';

/**
 * The product's own metrics, all on prom-client's default registry: the one registry every
 * process serves on /metrics (see metrics-server.ts). Each fact is counted where it becomes true
 * exactly once: an attempt when its row is inserted, an escalation when its queue entry is
 * inserted, a decision when its entry is closed, so a retried activity counts nothing twice.
 *
 * Pass rate per attempt: sum by (attempt_number) of
 *   scene_regeneration_attempt_results_total{result="success"} / scene_regeneration_attempt_results_total
 */
export const metricsRegistry: Registry = register;

function counter<T extends string>(name: string, help: string, labelNames: readonly T[]): Counter<T> {
  // A second load of this module (ts-node in tests, two copies in one bundle) must reuse the
  // registered metric: prom-client refuses a second registration of the same name.
  const existing = register.getSingleMetric(name);
  if (existing) return existing as Counter<T>;
  return new Counter({ name, help, labelNames });
}

function histogram<T extends string>(name: string, help: string, labelNames: readonly T[], buckets: number[]): Histogram<T> {
  const existing = register.getSingleMetric(name);
  if (existing) return existing as Histogram<T>;
  return new Histogram({ name, help, labelNames, buckets });
}

const attempts = counter(
  'scene_regeneration_attempts_total',
  'Regeneration attempts recorded, by provider and result (success, improved, failed)',
  ['provider', 'result'] as const,
);
const attemptResults = counter(
  'scene_regeneration_attempt_results_total',
  'Regeneration attempts recorded, by attempt number within the round and result',
  ['attempt_number', 'result'] as const,
);
const attemptFailures = counter(
  'scene_regeneration_attempt_failures_total',
  'Failed attempts that produced no judged asset, by provider and failure type',
  ['provider', 'type'] as const,
);
const attemptScores = histogram(
  'scene_regeneration_attempt_score',
  'Score Claude gave each judged attempt (0-100)',
  ['provider'] as const,
  [10, 20, 30, 40, 50, 60, 70, 80, 90, 100],
);
const attemptCost = counter(
  'scene_regeneration_attempt_cost_usd_total',
  'What recorded attempts cost in US dollars (generation and analysis), by provider',
  ['provider'] as const,
);
const escalations = counter(
  'scene_review_escalations_total',
  'Scenes handed to the review queue after a round spent every attempt',
  [] as const,
);
const decisions = counter('scene_review_decisions_total', 'Review decisions carried out, by action', ['action'] as const);
const judgeAgreement = counter(
  'judge_human_agreement_total',
  "Reviewers' approvals by whether they took the asset the judge ranked best (src/domain/judge-agreement.ts)",
  ['agreed'] as const,
);
const generationCost = counter(
  'scene_generation_cost_usd_total',
  'What finished provider generations cost in US dollars, by provider',
  ['provider'] as const,
);
const possibleDuplicateCharges = counter(
  'provider_possible_duplicate_charges_total',
  'Submissions sent again after an earlier one under the same idempotency key got no recorded answer ' +
    '(a timeout or crash after sending): the provider may have started, and billed, both. By the provider of the earlier submission',
  ['provider'] as const,
);

// Analysis metrics: recorded by src/analysis/analysis-metrics.ts, defined here so every product
// metric name lives in one list.
export const analysisMetrics = {
  analyses: counter('scene_analysis_total', 'Scene analyses by how they were settled', ['outcome'] as const),
  tokens: counter('scene_analysis_tokens_total', 'Claude tokens spent on scene analysis', ['kind'] as const),
  cost: counter('scene_analysis_cost_usd_total', 'Claude cost of scene analysis in US dollars', [] as const),
  images: counter('scene_analysis_images_total', 'Images sent to Claude for scene analysis', [] as const),
};

// Series that exist from the start read as 0 instead of being absent, so rate() and ratios work
// before the first attempt of each kind.
for (const provider of PROVIDER_NAMES) {
  for (const result of ATTEMPT_RESULTS) attempts.inc({ provider, result }, 0);
  attemptCost.inc({ provider }, 0);
  generationCost.inc({ provider }, 0);
  possibleDuplicateCharges.inc({ provider }, 0);
}
for (const attemptNumber of [1, 2, 3]) {
  for (const result of ATTEMPT_RESULTS) attemptResults.inc({ attempt_number: String(attemptNumber), result }, 0);
}
for (const action of ['approve', 'reject', 'regenerate'] satisfies UserDecision['action'][]) decisions.inc({ action }, 0);
escalations.inc(0);
for (const agreed of ['true', 'false']) judgeAgreement.inc({ agreed }, 0);

/** One attempt, counted by recordAttempt only when its row was actually inserted. */
export function countAttempt(attempt: RegenerationAttempt): void {
  attempts.inc({ provider: attempt.provider, result: attempt.result });
  attemptResults.inc({ attempt_number: String(attempt.attemptNumber), result: attempt.result });
  if (attempt.analysisResult !== undefined) attemptScores.observe({ provider: attempt.provider }, attempt.scoreAfter);
  if (attempt.failure !== undefined) attemptFailures.inc({ provider: attempt.provider, type: attempt.failure.type });
  if (attempt.costUsd !== undefined && attempt.costUsd > 0) attemptCost.inc({ provider: attempt.provider }, attempt.costUsd);
}

/** Counted by escalateToReview only when it inserted the queue entry. */
export function countEscalation(): void {
  escalations.inc();
}

/** Counted by closeReviewEntry only when it closed a pending entry. */
export function countDecision(action: UserDecision['action']): void {
  decisions.inc({ action });
}

/** Counted by closeReviewEntry, with the decision, for a reviewer's approval. */
export function countJudgeAgreement(agreed: boolean): void {
  judgeAgreement.inc({ agreed: String(agreed) });
}

/** Counted by submitGeneration each time it sends again over an intent with no recorded answer. */
export function countPossibleDuplicateCharge(provider: ProviderName): void {
  possibleDuplicateCharges.inc({ provider });
}

// A provider task is paid for once, but checkGeneration can finish it twice when its completion
// never reached Temporal and the activity is retried; remembering recent task ids keeps that
// retry from counting the bill again (within this process, which is where such retries land
// unless the worker itself died).
const COUNTED_TASKS_LIMIT = 10_000;
const countedTasks = new Set<string>();

/** What a finished generation cost; counted once per provider task. */
export function countGenerationCost(provider: ProviderName, taskId: string, costUsd: number): void {
  const key = `${provider}:${taskId}`;
  if (countedTasks.has(key)) return;
  countedTasks.add(key);
  if (countedTasks.size > COUNTED_TASKS_LIMIT) {
    // Sets iterate in insertion order: the first entry is the oldest.
    countedTasks.delete(countedTasks.values().next().value as string);
  }
  if (costUsd > 0) generationCost.inc({ provider }, costUsd);
}
