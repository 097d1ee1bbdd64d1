import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';
import type { SceneActivities } from '../../activities';
import { judgeUntilSure } from '../../activities/judge-until-sure';
import { createRoundStepActivities, type ResolvedRef, type RoundStore } from '../../activities/round-steps';
import type { Recommendation, SceneIssue } from '../../src/domain/analysis';
import type { AssetRef } from '../../src/domain/asset';
import type { Verdict } from '../../src/domain/calibration';
import type { PairwiseAnswer } from '../../src/domain/best-pick';
import { GENERATION_NOT_READY, type GenerateRequest, type GenerationFailureDetails } from '../../src/domain/generation';
import type { CompareAssetsRequest, JudgeRequest } from '../../src/domain/judging';
import type { AttemptEvidence, AttemptEvidenceRequest, RepairEvidence } from '../../src/domain/provider-evidence';
import type { ProviderName } from '../../src/domain/provider';
import type { RegenerationAttempt } from '../../src/domain/regeneration';
import type {
  AuditRequest,
  BudgetReservation,
  DecidedEntry,
  EntryEnding,
  EscalateToReviewRequest,
  KeptAsset,
  PickProviderAnswer,
  PickProviderRequest,
  ProviderOutcomeReport,
  ReserveBudgetRequest,
  RoundInProgress,
  SaveSceneAnalysisRequest,
  SaveSceneRequest,
  SceneEnding,
} from '../../src/domain/round-steps';
import { roundUsd } from '../../src/catalog/cost';
import { projectHoldAnswer } from '../../src/rules/budget';
import { afterOutcome, breakerVerdict, CLOSED, DEFAULT_BREAKER, withProbe, type BreakerRow, type BreakerSettings } from '../../src/rules/provider-health';

/** What a scripted fake world should do; the n-th call of each kind reads the n-th entry. */
export interface FakeScript {
  /** Scores the n-th judgment returns; the last repeats. */
  scores: number[];
  /** Issues every judgment reports (the prompt rules read them). */
  issues?: SceneIssue[];
  /** The n-th judgment's (0-based) recommendation, e.g. a critical_fail; otherwise by score. */
  recommendations?: Record<number, Recommendation>;
  /** Fail the n-th generation (0-based) at its submission, e.g. a refusal. */
  submitFailures?: Record<number, () => Error>;
  /** Keep the n-th generation (0-based) waiting this many ms for a place under PROVIDER_CONCURRENCY. */
  busySubmissions?: Record<number, number>;
  /** Fail the n-th judgment (0-based). */
  analysisFailures?: Record<number, () => Error>;
  /** Milliseconds each generation takes once submitted, so a test can observe a round in flight. */
  generationDelayMs?: number;
  /** The n-th generation's (0-based) task never finishes (unless taskEnded says it did). */
  stuckGenerations?: Record<number, true>;
  /** Gap between looks at a running task; 100 ms by default. */
  lookEveryMs?: number;
  /** Ends a stuck task when it answers true for its id, as a provider finishing it would. */
  taskEnded?: (taskId: string) => boolean;
  /** Fail storing the n-th generation's (0-based) output, after the provider delivered it. */
  storeFailures?: Record<number, () => ApplicationFailure>;
  /** What findRoundInProgress answers; no round by default. */
  roundInProgress?: (sceneId: number) => RoundInProgress | undefined;
  /** The project's spending before the round and its budget, as budget holds see them. */
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
  /** What attemptEvidence answers (filtered to the round's kind); none by default. */
  evidence?: AttemptEvidence[];
  /** Makes attemptEvidence throw this instead. */
  evidenceFailure?: () => Error;
  /** What repairEvidence answers (filtered to the round's kind); none by default. */
  repairEvidence?: RepairEvidence[];
  /** People's verdicts per lower-cased content type, as peopleVerdicts answers them; none by default. */
  verdicts?: Record<string, Verdict[]>;
  /** The in-memory circuit breakers' settings (a tiny cooldown lets a test see a probe). */
  breaker?: BreakerSettings;
  /** Providers whose key this fake worker lacks. */
  missingKeys?: ProviderName[];
}

/** A generation as the fake provider sees it. */
interface FakeTask {
  index: number;
  taskId: string;
  request: GenerateRequest;
  submittedAt?: number;
  busyUntil?: number;
}

/** Every call the workflow made, in order, for assertions. */
export interface FakeCalls {
  /** One per generation submitted (its first execution), in order. */
  submissions: GenerateRequest[];
  /** One per judgment. */
  analyses: JudgeRequest[];
  comparisons: CompareAssetsRequest[];
  recordedAttempts: (ResolvedRef & { attempt: RegenerationAttempt })[];
  escalations: (EscalateToReviewRequest & ResolvedRef)[];
  /** Passed rounds sampled for an audit: entries that block nothing, kept apart from escalations. */
  audits: (AuditRequest & ResolvedRef)[];
  closedEntries: (DecidedEntry & { workflowId: string; round: number })[];
  endedEntries: Exclude<EntryEnding, DecidedEntry>[];
  restoredScenes: { workflowId: string; sceneId: number }[];
  roundChecks: number[];
  /** Looks at a running task. */
  checks: { taskId: string }[];
  cancelledTasks: { idempotencyKey: string; taskId?: string }[];
  /** Every round's ending as the scene row gets it. */
  outcomes: (SceneEnding & { sceneId: number; workflowId: string })[];
  savedScenes: SaveSceneRequest[];
  savedAnalyses: SaveSceneAnalysisRequest[];
  providerPicks: { request: PickProviderRequest; answer: PickProviderAnswer }[];
  providerOutcomes: ProviderOutcomeReport[];
  budgetReservations: { request: ReserveBudgetRequest; granted: boolean }[];
  evidenceReads: AttemptEvidenceRequest[];
  /** The content types whose verdicts a round read for its bar. */
  verdictReads: string[];
  releasedRounds: ResolvedRef[];
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
    audits: [],
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
    budgetReservations: [],
    evidenceReads: [],
    verdictReads: [],
    releasedRounds: [],
    breakers: new Map(),
  };
  const store = memoryRoundStore(script, calls);
  const tasks = new Map<string, FakeTask>();
  let judgmentCount = 0;

  async function generateAsset(request: GenerateRequest) {
    let task = tasks.get(request.idempotencyKey);
    if (task === undefined) {
      const index = calls.submissions.length;
      calls.submissions.push(request);
      const failure = script.submitFailures?.[index];
      if (failure) throw atGenerateStep(failure());
      const busyFor = script.busySubmissions?.[index];
      task = { index, taskId: `task-${index}`, request, ...(busyFor === undefined ? {} : { busyUntil: Date.now() + busyFor }) };
      tasks.set(request.idempotencyKey, task);
    }
    if (task.submittedAt === undefined) {
      if (task.busyUntil !== undefined && Date.now() < task.busyUntil) {
        if (Date.now() > request.submitBy) {
          throw ApplicationFailure.create({ type: 'provider_busy', message: `${request.provider} had no free place in time`, nonRetryable: true, details: [{ step: 'generate' }] });
        }
        throw notReady(`${request.provider} is at its limit`, 200);
      }
      task.submittedAt = Date.now();
      throw notReady(`${task.taskId} submitted`, 50, { taskId: task.taskId });
    }
    calls.checks.push({ taskId: task.taskId });
    const runningFor = Date.now() - task.submittedAt;
    const stuck = script.stuckGenerations?.[task.index] && !script.taskEnded?.(task.taskId);
    if (stuck || runningFor < (script.generationDelayMs ?? 0)) {
      if (runningFor > request.deadlineMs) {
        throw ApplicationFailure.create({
          type: 'timeout',
          message: `${request.provider} did not finish task ${task.taskId} within ${Math.round(request.deadlineMs / 1000)} seconds`,
          nonRetryable: true,
          details: [{ step: 'generate', taskId: task.taskId, billedUsd: 0 } satisfies GenerationFailureDetails],
        });
      }
      throw notReady(`${task.taskId} is still running`, script.lookEveryMs ?? 100, { taskId: task.taskId });
    }
    const storeFailure = script.storeFailures?.[task.index];
    if (storeFailure) {
      const failure = storeFailure();
      throw ApplicationFailure.create({
        type: failure.type ?? 'unavailable',
        message: failure.message,
        nonRetryable: true,
        details: [{ step: 'store', taskId: task.taskId, billedUsd: 0.5 } satisfies GenerationFailureDetails],
      });
    }
    return { asset: assetOf(task.taskId), provider: request.provider, taskId: task.taskId, costUsd: 0.5 };
  }

  async function judgeOnce(request: JudgeRequest) {
    const index = judgmentCount++;
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
    } as const;
  }

  const activities: SceneActivities = {
    generateAsset,
    async cancelGeneration(request) {
      const task = tasks.get(request.idempotencyKey);
      calls.cancelledTasks.push({ idempotencyKey: request.idempotencyKey, ...(task?.submittedAt ? { taskId: task.taskId } : {}) });
      return task?.submittedAt ? { taskId: task.taskId, billedUsd: 0 } : { billedUsd: 0 };
    },
    judgeAsset: (request) => judgeUntilSure(request, judgeOnce),
    async compareAssets(request) {
      const index = calls.comparisons.length;
      calls.comparisons.push(request);
      const failure = script.comparisonFailures?.[index];
      if (failure) throw failure();
      if (script.comparisonDelayMs) await new Promise((r) => setTimeout(r, script.comparisonDelayMs));
      return { answers: script.preferences?.(request, index) ?? ['first', 'second'], costUsd: script.comparisonCostUsd ?? 0 };
    },
    ...createRoundStepActivities({
      store,
      keyProblem: (provider) => (script.missingKeys?.includes(provider) ? `${provider} has no key configured (TEST)` : undefined),
    }),
    async saveScene(request) {
      calls.savedScenes.push(request);
    },
    async saveSceneAnalysis(request) {
      calls.savedAnalyses.push(request);
    },
    async findRoundInProgress({ sceneId }) {
      calls.roundChecks.push(sceneId);
      return script.roundInProgress?.(sceneId);
    },
  };
  return { activities, calls };
}

/** The round store as the database keeps it, in memory: the same rules for breakers and budget holds. */
function memoryRoundStore(script: FakeScript, calls: FakeCalls): RoundStore {
  const breaker = script.breaker ?? DEFAULT_BREAKER;
  // As the database sums it: the spending before the round and every attempt recorded since.
  const projectSpend = () => {
    const recorded = calls.recordedAttempts.reduce((sum, r) => sum + (r.attempt.costUsd ?? 0), 0);
    const spentUsd = roundUsd((script.project?.spentUsd ?? 0) + recorded);
    const budgetUsd = script.project?.budgetUsd;
    return budgetUsd === undefined ? { spentUsd } : { spentUsd, budgetUsd };
  };
  const recorded = (r: ReserveBudgetRequest) =>
    calls.recordedAttempts.some((a) => a.workflowId === r.workflowId && a.attempt.round === r.round && a.attempt.attemptNumber === r.attemptNumber);
  return {
    async saveScene(request) {
      calls.savedScenes.push(request);
    },
    async attemptEvidence(request) {
      calls.evidenceReads.push(request);
      if (script.evidenceFailure) throw script.evidenceFailure();
      return (script.evidence ?? []).filter((e) => e.kind === request.kind);
    },
    async repairEvidence(request) {
      return (script.repairEvidence ?? []).filter((e) => e.kind === request.kind);
    },
    async peopleVerdicts({ contentType }) {
      calls.verdictReads.push(contentType);
      return (script.verdicts?.[contentType.toLowerCase()] ?? []).map((verdict) => ({ verdict }));
    },
    // The same rules as the database's breakers, on this process's clock.
    async pickProvider(request) {
      const skipped: PickProviderAnswer['skipped'] = [];
      let answer: PickProviderAnswer = { probe: false, skipped };
      const waits: number[] = [];
      for (const provider of request.candidates) {
        const row = calls.breakers.get(provider) ?? CLOSED;
        const verdict = breakerVerdict(row, Date.now(), breaker, request.attemptKey);
        if (verdict === 'closed' || verdict === 'probe') {
          if (verdict === 'probe') calls.breakers.set(provider, withProbe(row, Date.now(), request.attemptKey));
          answer = { provider, probe: verdict === 'probe', skipped };
          break;
        }
        if (verdict === 'open') waits.push(row.openedAt! + breaker.cooldownMs - Date.now());
        skipped.push({ provider, reason: `circuit breaker ${verdict}` });
      }
      if (answer.provider === undefined && waits.length > 0) answer = { ...answer, retryAfterMs: Math.max(1, Math.min(...waits)) };
      calls.providerPicks.push({ request, answer });
      return answer;
    },
    // As the database decides it: granted holds of attempts not yet recorded count beside what was spent.
    async reserveBudget(request): Promise<BudgetReservation> {
      const spend = projectSpend();
      if (spend.budgetUsd === undefined) {
        calls.budgetReservations.push({ request, granted: true });
        return { granted: true, ...spend, heldUsd: 0 };
      }
      const heldUsd = roundUsd(
        calls.budgetReservations.filter((h) => h.granted && !recorded(h.request)).reduce((sum, h) => sum + h.request.expectedUsd, 0),
      );
      const answer = projectHoldAnswer(spend, heldUsd, request.expectedUsd);
      calls.budgetReservations.push({ request, granted: answer.granted });
      return answer;
    },
    async recordAttempt(ref, attempt) {
      const known = calls.recordedAttempts.some(
        (r) => r.workflowId === ref.workflowId && r.runId === ref.runId && r.attempt.round === attempt.round && r.attempt.attemptNumber === attempt.attemptNumber,
      );
      if (!known) calls.recordedAttempts.push({ ...ref, attempt });
      return { inserted: !known };
    },
    async recordProviderOutcome(report) {
      if (calls.providerOutcomes.some((o) => o.attemptKey === report.attemptKey)) return;
      calls.providerOutcomes.push(report);
      const row = calls.breakers.get(report.provider) ?? CLOSED;
      calls.breakers.set(report.provider, afterOutcome(row, report.outcome, Date.now(), breaker, report.attemptKey));
    },
    async escalate(request) {
      calls.escalations.push({ ...request, ...request.ref });
      return { entryId: calls.escalations.length, inserted: true };
    },
    async requestAudit(request) {
      calls.audits.push({ ...request, ...request.ref });
      return { entryId: 1000 + calls.audits.length };
    },
    async closeEntry(ref, entry) {
      const closed = !calls.closedEntries.some((e) => e.entryId === entry.entryId);
      if (closed) calls.closedEntries.push({ ...entry, workflowId: ref.workflowId, round: ref.round });
      return { closed };
    },
    async endEntry(entry) {
      calls.endedEntries.push(entry);
    },
    async endScene(ref, ending) {
      calls.outcomes.push({ ...ending, sceneId: ref.sceneId, workflowId: ref.workflowId });
      if (ending.outcome === 'cancelled') calls.restoredScenes.push({ workflowId: ref.workflowId, sceneId: ref.sceneId });
    },
    async releaseRound(ref) {
      calls.releasedRounds.push(ref);
    },
  };
}

function assetOf(taskId: string): AssetRef {
  return {
    url: `http://assets.test/assets/${taskId}.png`,
    key: `${taskId}.png`,
    sha256: taskId,
    sizeBytes: 100,
    mediaType: 'image/png',
    width: 64,
    height: 36,
  };
}

/** A scripted failure as the real generation throws it: with the step it failed at. */
function atGenerateStep(error: Error): Error {
  if (!(error instanceof ApplicationFailure)) return error;
  return ApplicationFailure.create({
    type: error.type ?? undefined,
    message: error.message,
    nonRetryable: error.nonRetryable ?? undefined,
    details: [{ step: 'generate' } satisfies GenerationFailureDetails],
  });
}

function notReady(message: string, delayMs: number, details: GenerationFailureDetails = {}): ApplicationFailure {
  return ApplicationFailure.create({
    type: GENERATION_NOT_READY,
    message,
    details: [{ step: 'generate', ...details }],
    category: ApplicationFailureCategory.BENIGN,
    nextRetryDelay: delayMs,
  });
}

export const refused = (): Error => ApplicationFailure.nonRetryable('The provider refused the prompt', 'content_refused');
export const unusable = (): Error => ApplicationFailure.nonRetryable('The judge answered twice with no usable verdict', 'analysis_unusable');
export const unavailable = (): Error => ApplicationFailure.retryable('Provider answered 503', 'unavailable');
/** A provider still down after the activity's own retries, without waiting them out. */
export const unavailableAfterRetries = (): Error => ApplicationFailure.nonRetryable('Provider answered 503', 'unavailable');

/** The asset a round's ending kept on the scene row, if any. */
export function keptAsset(ending: SceneEnding | undefined): KeptAsset | undefined {
  return ending !== undefined && 'asset' in ending ? ending.asset : undefined;
}
