import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';
import {
  GENERATION_NOT_READY,
  type AnalyzeAssetRequest,
  type CompareAssetsRequest,
  type GenerationRequest,
  type GenerationTask,
  type RoundInProgress,
  type SceneActivities,
} from '../../src/domain/activity-types';
import type { Recommendation, SceneAnalysisResult, SceneIssue } from '../../src/domain/analysis';
import type { AssetRef } from '../../src/domain/asset';
import type { PairwiseAnswer } from '../../src/domain/best-pick';
import type { ProviderEvidence } from '../../src/domain/provider-evidence';
import {
  afterOutcome,
  breakerVerdict,
  CLOSED,
  DEFAULT_BREAKER,
  withProbe,
  type BreakerRow,
  type BreakerSettings,
} from '../../src/rules/provider-health';
import { projectHoldAnswer } from '../../src/rules/budget';
import { roundUsd } from '../../src/catalog/cost';

/** What a scripted fake world should do; the n-th call of each kind reads the n-th entry. */
export interface FakeScript {
  /** Scores the n-th analysis returns; the last repeats. */
  scores: number[];
  /** Issues every analysis reports (the prompt rules read them). */
  issues?: SceneIssue[];
  /** The n-th analysis's (0-based) recommendation, e.g. a critical_fail; otherwise by score. */
  recommendations?: Record<number, Recommendation>;
  /** Throw on the n-th submission (0-based), e.g. a refusal. */
  submitFailures?: Record<number, () => Error>;
  /** Answer "provider busy" (waiting this many ms) to the n-th submission (0-based). */
  busySubmissions?: Record<number, number>;
  /** Throw on the n-th analysis (0-based). */
  analysisFailures?: Record<number, () => Error>;
  /** Milliseconds each generation takes, so a test can observe a round in flight. */
  generationDelayMs?: number;
  /** The n-th submission's (0-based) generation never finishes. */
  stuckGenerations?: Record<number, true>;
  /** What findRoundInProgress answers; no round by default. */
  roundInProgress?: (sceneId: number) => RoundInProgress | undefined;
  /** The project's spending before the round and its budget, as projectSpend and reserveProjectBudget see them. */
  project?: { spentUsd: number; budgetUsd?: number };
  /**
   * What compareAssets answers (each order as shown); by default the first-shown (higher-ranked)
   * asset in the first order and the second-shown (again the higher-ranked) in the other.
   */
  preferences?: (request: CompareAssetsRequest, index: number) => [PairwiseAnswer, PairwiseAnswer];
  /** What one comparison (both orders) costs; 0 by default so other tests' sums hold. */
  comparisonCostUsd?: number;
  /** Milliseconds each comparison takes, so a test can cancel a round while it compares. */
  comparisonDelayMs?: number;
  /** Throw on the n-th comparison (0-based). */
  comparisonFailures?: Record<number, () => Error>;
  /** What providerEvidence answers (filtered to the round's content type and kind); none by default. */
  evidence?: ProviderEvidence[];
  /** Makes providerEvidence throw this instead. */
  evidenceFailure?: () => Error;
  /** The in-memory circuit breakers' settings (a tiny cooldown lets a test see a probe). */
  breaker?: BreakerSettings;
}

/** Every call the workflow made, in order, for assertions. */
export interface FakeCalls {
  submissions: GenerationRequest[];
  analyses: AnalyzeAssetRequest[];
  comparisons: CompareAssetsRequest[];
  recordedAttempts: Parameters<SceneActivities['recordAttempt']>[0][];
  escalations: Parameters<SceneActivities['escalateToReview']>[0][];
  closedEntries: Parameters<SceneActivities['closeReviewEntry']>[0][];
  endedEntries: Parameters<SceneActivities['endReviewEntry']>[0][];
  restoredScenes: Parameters<SceneActivities['restoreSceneAfterCancel']>[0][];
  roundChecks: number[];
  /** Generation checks, one per look at a task (checkGeneration) */
  checks: GenerationTask[];
  cancelledTasks: GenerationTask[];
  outcomes: Parameters<SceneActivities['saveSceneOutcome']>[0][];
  savedScenes: Parameters<SceneActivities['saveScene']>[0][];
  savedAnalyses: Parameters<SceneActivities['saveSceneAnalysis']>[0][];
  providerPicks: { request: Parameters<SceneActivities['pickProvider']>[0]; answer: Awaited<ReturnType<SceneActivities['pickProvider']>> }[];
  providerOutcomes: Parameters<SceneActivities['recordProviderOutcome']>[0][];
  projectSpendReads: Parameters<SceneActivities['projectSpend']>[0][];
  budgetReservations: { request: Parameters<SceneActivities['reserveProjectBudget']>[0]; granted: boolean }[];
  evidenceReads: Parameters<SceneActivities['providerEvidence']>[0][];
  /** The breakers as the fake's shared store holds them, by provider. */
  breakers: Map<string, BreakerRow>;
}

export function fakeActivities(script: FakeScript): { activities: SceneActivities; calls: FakeCalls } {
  const calls: FakeCalls = {
    submissions: [],
    analyses: [],
    comparisons: [],
    recordedAttempts: [],
    escalations: [],
    closedEntries: [],
    endedEntries: [],
    restoredScenes: [],
    roundChecks: [],
    checks: [],
    cancelledTasks: [],
    outcomes: [],
    savedScenes: [],
    savedAnalyses: [],
    providerPicks: [],
    providerOutcomes: [],
    projectSpendReads: [],
    budgetReservations: [],
    evidenceReads: [],
    breakers: new Map(),
  };
  const breaker = script.breaker ?? DEFAULT_BREAKER;
  // As the database sums it: the spending before the round and every attempt recorded since.
  const projectSpend = () => {
    const recorded = calls.recordedAttempts.reduce((sum, r) => sum + (r.attempt.costUsd ?? 0), 0);
    const spentUsd = roundUsd((script.project?.spentUsd ?? 0) + recorded);
    const budgetUsd = script.project?.budgetUsd;
    return budgetUsd === undefined ? { spentUsd } : { spentUsd, budgetUsd };
  };
  let submitCount = 0;
  const submittedAt = new Map<string, number>();
  let analysisCount = 0;
  const activities: SceneActivities = {
    async submitGeneration(request) {
      const index = submitCount++;
      calls.submissions.push(request);
      const failure = script.submitFailures?.[index];
      if (failure) throw failure();
      const busyFor = script.busySubmissions?.[index];
      if (busyFor !== undefined) return { busy: true, provider: request.provider, retryAfterMs: busyFor };
      submittedAt.set(`task-${index}`, script.stuckGenerations?.[index] ? Infinity : Date.now());
      return { provider: request.provider, taskId: `task-${index}`, kind: request.kind, durationSeconds: request.durationSeconds };
    },
    async checkGeneration(task) {
      calls.checks.push(task);
      const readyAt = (submittedAt.get(task.taskId) ?? 0) + (script.generationDelayMs ?? 0);
      if (Date.now() < readyAt) {
        throw ApplicationFailure.create({
          type: GENERATION_NOT_READY,
          message: `${task.taskId} is still running`,
          category: ApplicationFailureCategory.BENIGN,
        });
      }
      return { provider: task.provider, taskId: task.taskId, outputUrl: `https://provider.test/${task.taskId}`, costUsd: 0.5 };
    },
    async cancelGeneration(task) {
      calls.cancelledTasks.push(task);
    },
    async awaitGeneration(task) {
      if (script.generationDelayMs) await new Promise((r) => setTimeout(r, script.generationDelayMs));
      return { provider: task.provider, taskId: task.taskId, outputUrl: `https://provider.test/${task.taskId}`, costUsd: 0.5 };
    },
    async storeAsset(request): Promise<AssetRef> {
      const name = request.url.split('/').pop()!;
      return {
        url: `http://assets.test/assets/${name}.png`,
        key: `${name}.png`,
        sha256: name,
        sizeBytes: 100,
        mediaType: 'image/png',
        width: 64,
        height: 36,
      };
    },
    async analyzeAsset(request): Promise<{ analysis: SceneAnalysisResult; costUsd: number; modelSkipped: boolean }> {
      const index = analysisCount++;
      calls.analyses.push(request);
      const failure = script.analysisFailures?.[index];
      if (failure) throw failure();
      const score = script.scores[Math.min(index, script.scores.length - 1)];
      return {
        analysis: {
          overallScore: score,
          recommendation: script.recommendations?.[index] ?? (score >= request.minScoreToPass ? 'approve' : 'regenerate'),
          issues: script.issues ?? [],
        },
        costUsd: 0.01,
        modelSkipped: false,
      };
    },
    async compareAssets(request) {
      const index = calls.comparisons.length;
      calls.comparisons.push(request);
      const failure = script.comparisonFailures?.[index];
      if (failure) throw failure();
      if (script.comparisonDelayMs) await new Promise((r) => setTimeout(r, script.comparisonDelayMs));
      return { answers: script.preferences?.(request, index) ?? ['first', 'second'], costUsd: script.comparisonCostUsd ?? 0 };
    },
    async recordAttempt(request) {
      calls.recordedAttempts.push(request);
    },
    async escalateToReview(request) {
      calls.escalations.push(request);
      return { entryId: calls.escalations.length };
    },
    async closeReviewEntry(request) {
      calls.closedEntries.push(request);
    },
    async endReviewEntry(request) {
      calls.endedEntries.push(request);
    },
    async restoreSceneAfterCancel(request) {
      calls.restoredScenes.push(request);
    },
    async findRoundInProgress({ sceneId }) {
      calls.roundChecks.push(sceneId);
      return script.roundInProgress?.(sceneId);
    },
    async saveSceneOutcome(request) {
      calls.outcomes.push(request);
    },
    async saveScene(request) {
      calls.savedScenes.push(request);
    },
    async saveSceneAnalysis(request) {
      calls.savedAnalyses.push(request);
    },
    // The same rules as the database's breakers, on this process's clock.
    async pickProvider(request) {
      const skipped: { provider: (typeof request.candidates)[number]; reason: string }[] = [];
      let answer: Awaited<ReturnType<SceneActivities['pickProvider']>> = { probe: false, skipped };
      for (const provider of request.candidates) {
        const row = calls.breakers.get(provider) ?? CLOSED;
        const verdict = breakerVerdict(row, Date.now(), breaker, request.attemptKey);
        if (verdict === 'closed' || verdict === 'probe') {
          if (verdict === 'probe') calls.breakers.set(provider, withProbe(row, Date.now(), request.attemptKey));
          answer = { provider, probe: verdict === 'probe', skipped };
          break;
        }
        skipped.push({ provider, reason: `circuit breaker ${verdict}` });
      }
      calls.providerPicks.push({ request, answer });
      return answer;
    },
    async projectSpend(request) {
      calls.projectSpendReads.push(request);
      return projectSpend();
    },
    // As the database decides it (src/db/budget-reservations.ts): granted holds of attempts not
    // yet recorded count against the budget beside what was spent.
    async reserveProjectBudget(request) {
      const spend = projectSpend();
      const recorded = (r: typeof request) =>
        calls.recordedAttempts.some((a) => a.workflowId === r.workflowId && a.attempt.round === r.round && a.attempt.attemptNumber === r.attemptNumber);
      const heldUsd = roundUsd(
        calls.budgetReservations.filter((h) => h.granted && !recorded(h.request)).reduce((sum, h) => sum + h.request.expectedUsd, 0),
      );
      const answer = projectHoldAnswer(spend, heldUsd, request.expectedUsd);
      calls.budgetReservations.push({ request, granted: answer.granted });
      return answer;
    },
    async providerEvidence(request) {
      calls.evidenceReads.push(request);
      if (script.evidenceFailure) throw script.evidenceFailure();
      const contentType = request.contentType.toLowerCase();
      return (script.evidence ?? []).filter((e) => e.contentType === contentType && e.kind === request.kind);
    },
    async recordProviderOutcome(report) {
      calls.providerOutcomes.push(report);
      const row = calls.breakers.get(report.provider) ?? CLOSED;
      calls.breakers.set(report.provider, afterOutcome(row, report.outcome, Date.now(), breaker, report.attemptKey));
    },
  };
  return { activities, calls };
}

export const refused = (): Error =>
  ApplicationFailure.nonRetryable('The provider refused the prompt', 'content_refused');
export const unusable = (): Error =>
  ApplicationFailure.nonRetryable('The judge answered twice with no usable verdict', 'analysis_unusable');
export const unavailable = (): Error =>
  ApplicationFailure.retryable('Provider answered 503', 'unavailable');
/** A provider still down after the activity's own retries, without waiting them out. */
export const unavailableAfterRetries = (): Error =>
  ApplicationFailure.nonRetryable('Provider answered 503', 'unavailable');
