import { asyncLocalStorage } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../src/domain/failures';
import type { PassingBar, Verdict } from '../src/domain/calibration';
import type { AttemptEvidence, AttemptEvidenceRequest, RepairEvidence } from '../src/domain/provider-evidence';
import type { ProviderName } from '../src/domain/provider';
import type { AttemptKind, ProviderChoiceFigures, RegenerationAttempt } from '../src/domain/regeneration';
import type {
  AttemptContext,
  AuditRequest,
  AttemptStart,
  BudgetReservation,
  DecidedEntry,
  EndRoundRequest,
  EntryEnding,
  EscalateToReviewRequest,
  OpenRoundRequest,
  PickProviderAnswer,
  PickProviderRequest,
  ProviderOutcomeReport,
  RecordAttemptRequest,
  ReserveBudgetRequest,
  RoundFigures,
  RoundOpening,
  RoundRef,
  SaveSceneRequest,
  SceneEnding,
} from '../src/domain/round-steps';
import { isPermanentDataError, RequestRejectedError } from '../src/db/errors';
import { approvalAgrees } from '../src/domain/judge-agreement';
import { countAttempt, countDecision, countEscalation, countJudgeAgreement } from '../src/observability/metrics';
import { firstGenerationProvider, learnedChoiceApplies, planAttempt, repairTaken } from '../src/rules/attempt-plan';
import type { RepairOption } from '../src/rules/expected-value-choice';
import { repairOption } from '../src/rules/repair-value';
import type { RegenerationPolicy } from '../src/domain/policy';
import type { Scene } from '../src/domain/scene';
import { fitAcceptance, passingBar } from '../src/rules/calibration';
import { notWorthTryingMessage } from '../src/rules/choice-text';
import { expectedAttemptUsd, expectedRepairUsd, mayStartAttempt } from '../src/rules/budget';
import { attemptDeadlineMs, generationDeadlineMs } from '../src/rules/generation-wait';
import { attemptKey, breakerOutcome, candidateKey } from '../src/rules/provider-health';
import { candidateOrder, candidateProviders, candidatesThatFit, heldUsd, wantedCandidates, type CandidateCount } from '../src/rules/candidates';

/** The scene of a pipeline step that names no provider, and the step's resolved policy. */
export interface FirstProviderRequest {
  scene: Pick<Scene, 'contentType' | 'duration' | 'aspectRatio'>;
  policy: RegenerationPolicy;
  /** The pipeline step's workflow id: seeds the learned choice's exploration, so a retry chooses the same. */
  workflowId: string;
}

/** A round reference whose run is settled: '' when the caller ran outside any workflow run. */
export type ResolvedRef = RoundRef & { runId: string };

/**
 * What a round's bookkeeping needs of the database (src/db/round-store.ts); every write is
 * idempotent, keyed by workflow, run, round and attempt, so a retried step writes nothing twice.
 */
export interface RoundStore {
  saveScene(request: SaveSceneRequest): Promise<void>;
  attemptEvidence(request: AttemptEvidenceRequest): Promise<AttemptEvidence[]>;
  /** The recorded repairs of a kind, per editing provider (src/db/attempt-evidence.ts). */
  repairEvidence(request: AttemptEvidenceRequest): Promise<RepairEvidence[]>;
  /** People's verdicts for a content type (src/db/verdicts.ts). */
  peopleVerdicts(filter: { contentType: string }): Promise<{ verdict: Verdict }[]>;
  pickProvider(request: PickProviderRequest): Promise<PickProviderAnswer>;
  reserveBudget(request: ReserveBudgetRequest): Promise<BudgetReservation>;
  /** `inserted` is false when a retry found the row its first try wrote: metrics count it once. */
  recordAttempt(ref: ResolvedRef, attempt: RegenerationAttempt): Promise<{ inserted: boolean }>;
  recordProviderOutcome(report: ProviderOutcomeReport): Promise<void>;
  /** `eventKeys`: the outgoing webhooks the write added, for the step to start (src/db/notification-outbox.ts). */
  escalate(request: EscalateToReviewRequest & { ref: ResolvedRef }): Promise<{ entryId: number; inserted: boolean; eventKeys?: string[] }>;
  /** An `audit` entry for a passed round; the scene is left as the ending wrote it. */
  requestAudit(request: AuditRequest & { ref: ResolvedRef }): Promise<{ entryId: number; eventKeys?: string[] }>;
  closeEntry(ref: ResolvedRef, entry: DecidedEntry): Promise<{ closed: boolean; bestAttemptNumber?: number; bestKeptCandidate?: number; eventKeys?: string[] }>;
  endEntry(entry: Exclude<EntryEnding, DecidedEntry>): Promise<void>;
  endScene(ref: ResolvedRef, ending: SceneEnding, figures?: RoundFigures): Promise<{ eventKeys?: string[] } | void>;
  /** Gives back every budget hold and breaker probe the round took and never used. */
  releaseRound(ref: ResolvedRef): Promise<void>;
}

export interface RoundStepDeps {
  store: RoundStore;
  /** Why a provider may not be used on this worker (its key is not set), or undefined. */
  keyProblem: (provider: ProviderName) => string | undefined;
  /** Starts the delivery of outgoing webhooks the step's writes added (activities/notifications.ts). */
  startEvents?: (eventKeys: readonly string[]) => Promise<void>;
}

/**
 * The round's steps between its generations and judgments (SPEC.md "One round of regeneration",
 * "How a round ends"). Each is one activity that writes what the round did and decides, with the
 * database, what it may do next: which provider the next attempt uses (static map, learned
 * choice, capabilities, keys, circuit breakers) and whether its price fits the budgets. The
 * decision is the activity's result, so it stands in the round's history: replay reads it back,
 * and a table edited since (prices, capabilities) never changes what an open round does.
 */
export function createRoundStepActivities(deps: RoundStepDeps) {
  const { store } = deps;
  const startEvents = async (eventKeys: readonly string[] | undefined) => {
    if (deps.startEvents && eventKeys?.length) await deps.startEvents(eventKeys);
  };

  /** The round's passing score is read here, once, so the round's history holds it and replay never reads it again. */
  async function openRound(request: OpenRoundRequest): Promise<RoundOpening> {
    const ref = resolved(request.ref);
    if (request.saveScene) await guard(() => store.saveScene(request.saveScene!));
    if (request.decided) await closeEntry(ref, request.decided);
    const bar = await roundBar(request.firstAttempt);
    return { ...(await startAttempt(ref, request.firstAttempt)), passingBar: bar };
  }

  /**
   * SPEC.md "Judging and choosing": the configured score, or the content type's calibrated one when
   * the policy asks; a round's opening reads it, and so does the pipeline's first-asset check.
   */
  async function roundBar({ policy, contentType }: Pick<AttemptContext, 'policy' | 'contentType'>): Promise<PassingBar> {
    if (policy.calibratedBar !== true) return passingBar(policy);
    const verdicts = await guard(() => store.peopleVerdicts({ contentType }));
    const curve = fitAcceptance(verdicts.map((v) => v.verdict));
    return passingBar(policy, { verdicts: verdicts.length, ...(curve ? { midpoint: curve.midpoint } : {}) });
  }

  async function recordAttempt(request: RecordAttemptRequest): Promise<AttemptStart | undefined> {
    const ref = resolved(request.ref);
    await record(ref, request.attempt);
    return request.next === undefined ? undefined : startAttempt(ref, request.next);
  }

  /** Asks again for an attempt that could not start for want of a provider. */
  async function retryAttemptStart(request: { ref: RoundRef; attempt: AttemptContext }): Promise<AttemptStart> {
    return startAttempt(resolved(request.ref), request.attempt);
  }

  async function escalateToReview(request: EscalateToReviewRequest): Promise<{ entryId: number }> {
    const ref = resolved(request.ref);
    if (request.attempt) await record(ref, request.attempt);
    const { entryId, inserted, eventKeys } = await guard(() => store.escalate({ ...request, ref }));
    if (inserted) countEscalation();
    await startEvents(eventKeys);
    await guard(() => store.releaseRound(ref));
    return { entryId };
  }

  async function endRound(request: EndRoundRequest): Promise<void> {
    const ref = resolved(request.ref);
    if (request.attempt) await record(ref, request.attempt);
    const { entry } = request;
    if (entry !== undefined) {
      if ('decision' in entry) await closeEntry(ref, entry);
      else await guard(() => store.endEntry(entry));
    }
    const ended = await guard(() => store.endScene(ref, request.scene, request.figures));
    await startEvents(ended?.eventKeys);
    if (request.audit) {
      const audit = await guard(() => store.requestAudit({ ...request.audit!, ref }));
      await startEvents(audit.eventKeys);
    }
    await guard(() => store.releaseRound(ref));
  }

  async function record(ref: ResolvedRef, attempt: RegenerationAttempt): Promise<void> {
    const { inserted } = await guard(() => store.recordAttempt(ref, attempt));
    if (inserted) countAttempt(attempt);
    const key = attemptKey(ref.workflowId, attempt.round, attempt.attemptNumber);
    if (attempt.candidates === undefined) {
      await guard(() => store.recordProviderOutcome({ provider: attempt.provider, outcome: breakerOutcome(attempt), attemptKey: key }));
      return;
    }
    // Each candidate says what it says of its own provider, under the key its provider was picked with.
    for (const candidate of attempt.candidates) {
      const outcome = breakerOutcome(candidate);
      await guard(() => store.recordProviderOutcome({ provider: candidate.provider, outcome, attemptKey: candidateKey(key, candidate.candidate) }));
    }
  }

  const closeEntry = async (ref: ResolvedRef, entry: DecidedEntry) => startEvents(await closeDecidedEntry(store, ref, entry));

  /**
   * SPEC.md "Cost and provider health": the provider for the attempt, and its price held. A
   * repair the rules chose goes to the first usable provider that can edit the asset; with none
   * (no key, breakers open) the attempt generates anew. Once the recorded repairs of the kind are
   * enough to learn from (src/rules/repair-value.ts), the learned choice weighs the repair beside
   * the generations, and generates when that is worth more.
   */
  async function startAttempt(ref: ResolvedRef, context: AttemptContext): Promise<AttemptStart> {
    if (context.repair === undefined) return startGeneration(ref, context);
    const weighed = await weighableRepair(context, context.repair.editors);
    if (weighed === undefined) return (await startRepair(ref, context, context.repair.editors)) ?? (await startGeneration(ref, context));
    return startGeneration(ref, context, { option: weighed, editors: context.repair.editors });
  }

  /** The repair as the learned choice weighs it; undefined when the band rule stands (no learned choice, too few repairs recorded). */
  async function weighableRepair(context: AttemptContext, editors: readonly ProviderName[]): Promise<RepairOption | undefined> {
    if (!learnedChoiceApplies(context)) return undefined;
    const editor = editors.find((provider) => deps.keyProblem(provider) === undefined);
    if (editor === undefined) return undefined;
    const { kind, durationSeconds } = context.needs;
    let evidence: RepairEvidence[];
    try {
      evidence = await store.repairEvidence({ kind });
    } catch (error) {
      log()?.warn('repair evidence unavailable; the repair band stands', { error: String(error) });
      return undefined;
    }
    return repairOption(evidence, { provider: editor, kind, durationSeconds, currentScore: context.currentScore, bar: context.policy.minScoreToPass });
  }

  /** A repair: one candidate, the edit's price held as any attempt's is. */
  async function startRepair(ref: ResolvedRef, context: AttemptContext, editors: readonly ProviderName[], choice?: ProviderChoiceFigures): Promise<AttemptStart | undefined> {
    const candidates = editors.filter((provider) => deps.keyProblem(provider) === undefined);
    if (candidates.length === 0) return undefined;
    const key = attemptKey(ref.workflowId, ref.round, context.attemptNumber);
    const pick = await guard(() => store.pickProvider({ candidates, attemptKey: key }));
    if (pick.provider === undefined) return undefined;
    const provider = pick.provider;
    const generationMs = generationDeadlineMs(provider, context.needs.kind, context.policy.generationTimeout);
    const held = await holdCandidates(ref, context, [provider], { count: 1, why: 'policy' }, generationMs, 'repair');
    if ('refused' in held) {
      await guard(() => store.recordProviderOutcome({ provider, outcome: 'neutral', attemptKey: key }));
      log()?.info('budget exhausted: no repair', { sceneId: ref.sceneId, message: held.refused });
      return { start: false, reason: 'budget_exhausted', message: held.refused };
    }
    return { start: true, provider, skipped: pick.skipped, ...(choice ? { providerChoice: choice } : {}), expectedUsd: heldUsd(held.prices, 1), kind: 'repair' };
  }

  /**
   * A new generation, or, with `repair`, whichever of it and the repair the learned choice finds
   * worth more (the static map, with too little evidence to weigh, leaves the band rule's repair).
   */
  async function startGeneration(ref: ResolvedRef, context: AttemptContext, repair?: { option: RepairOption; editors: readonly ProviderName[] }): Promise<AttemptStart> {
    const { needs, policy, attemptNumber } = context;
    const evidence = learnedChoiceApplies(context) ? await readEvidence(context) : [];
    const key = attemptKey(ref.workflowId, ref.round, attemptNumber);
    let plan = planAttempt(context, evidence, deps.keyProblem, key, repair?.option);
    if (repair !== undefined && plan.preferred !== undefined && repairTaken(plan)) {
      const started = await startRepair(ref, context, repair.editors, plan.choice);
      if (started !== undefined) return started;
      // No editor could take it (breakers open): the choice among the generations alone.
      if (plan.repair) plan = planAttempt(context, evidence, deps.keyProblem, key);
    }
    if (plan.preferred === undefined) {
      const message = notWorthTryingMessage(plan.notWorthTrying);
      log()?.info('no remaining attempt is worth its price', { sceneId: ref.sceneId, message });
      return { start: false, reason: 'not_worth_trying', message, providerChoice: plan.notWorthTrying };
    }
    let provider = plan.preferred;
    let skipped = plan.skipped;
    if (plan.candidates.length === 0) {
      // No provider in the fallback order can make the scene: the rules' choice stands, as close
      // as its adapter can shape the request, and the attempt records why it may fail.
      log()?.warn('no provider in the fallback order can make this scene', { preferred: plan.preferred, skipped: plan.skipped });
    } else {
      const pick = await guard(() => store.pickProvider({ candidates: plan.candidates, attemptKey: key }));
      if (pick.provider === undefined) {
        return {
          start: false,
          reason: 'providers_unavailable',
          message: `every provider that can make the scene is cooling down (${plan.candidates.join(', ')})`,
          // As long as the attempt would have waited for its provider to finish.
          waitUpToMs: generationDeadlineMs(plan.preferred, needs.kind, policy.generationTimeout),
          ...(pick.retryAfterMs === undefined ? {} : { retryAfterMs: pick.retryAfterMs }),
        };
      }
      provider = pick.provider;
      skipped = [...plan.skipped, ...pick.skipped];
    }
    const generationMs = generationDeadlineMs(provider, needs.kind, policy.generationTimeout);
    const wanted = wantedCandidates({ policy, nowMs: Date.now(), attemptMs: generationMs });
    const providers = wanted.count > 1 ? await candidatesOf(candidateOrder(plan.candidates, plan.choice), provider, wanted.count, key) : [provider];
    const refuse = async (message: string): Promise<AttemptStart> => {
      // A probe handed to this attempt (or any of its candidates) is given back: the provider was not tried.
      await guard(() => store.recordProviderOutcome({ provider, outcome: 'neutral', attemptKey: key }));
      await giveBackProbes(providers, 1, key);
      log()?.info('budget exhausted: no further attempt', { sceneId: ref.sceneId, message });
      return { start: false, reason: 'budget_exhausted', message };
    };
    const held = await holdCandidates(ref, context, providers, wanted, generationMs);
    if ('refused' in held) return refuse(held.refused);
    const { count, prices } = held;
    await giveBackProbes(providers, count.count, key);
    const several = count.count > 1 ? { candidates: providers.slice(0, count.count), candidatesWhy: count.why } : {};
    const choice = plan.choice && provider === plan.preferred ? { providerChoice: plan.choice } : {};
    return { start: true, provider, skipped, ...choice, expectedUsd: heldUsd(prices, count.count), ...several };
  }

  /**
   * SPEC.md "Cost and provider health": every candidate's expected price held against the
   * round's and the project's budget before any starts, as many candidates as they hold (at
   * least candidate 1, or the attempt is refused with the budget's words).
   */
  async function holdCandidates(
    ref: ResolvedRef,
    context: AttemptContext,
    providers: readonly ProviderName[],
    wanted: CandidateCount,
    generationMs: number,
    kind: AttemptKind = 'generate',
  ): Promise<{ count: CandidateCount; prices: number[] } | { refused: string }> {
    const { needs, policy } = context;
    const expected = kind === 'repair' ? expectedRepairUsd : expectedAttemptUsd;
    const prices = providers.map((provider) =>
      expected({
        provider,
        kind: needs.kind,
        durationSeconds: needs.durationSeconds,
        judgments: policy.judgmentsNearBar ?? 1,
        // The round's best may need one pairwise comparison before a person looks (src/rules/best-pick.ts).
        comparisons: 1,
      }),
    );
    const roundRoomUsd = policy.maxCostUsd === undefined ? undefined : policy.maxCostUsd - context.roundSpentUsd;
    let count = candidatesThatFit(wanted, prices, roundRoomUsd);
    const roundVerdict = mayStartAttempt({ roundSpentUsd: context.roundSpentUsd, maxCostUsd: policy.maxCostUsd, projectSpentUsd: 0, expectedUsd: prices[0] });
    if (!roundVerdict.start) return { refused: roundVerdict.message };
    // Candidate 1 fits the round by the budget's own rule, whatever cents the fit above rounded.
    if (count.count === 0) count = { ...wanted, count: 1 };
    const reserve = (candidates: number) =>
      guard(() =>
        store.reserveBudget({
          projectId: ref.projectId,
          workflowId: ref.workflowId,
          round: ref.round,
          attemptNumber: context.attemptNumber,
          expectedUsd: heldUsd(prices, candidates),
          holdMs: attemptDeadlineMs(generationMs),
        }),
      );
    let hold = await reserve(count.count);
    if (!hold.granted && count.count > 1 && hold.budgetUsd !== undefined) {
      // Fewer candidates may fit the project's budget: as many as its room holds, every one's price held.
      count = candidatesThatFit(count, prices, hold.budgetUsd - hold.spentUsd - hold.heldUsd);
      if (count.count > 0) hold = await reserve(count.count);
    }
    return hold.granted ? { count, prices } : { refused: hold.message ?? 'the project budget is spent' };
  }

  /** Candidates whose providers were picked but whose price did not fit give back any probe they were handed. */
  async function giveBackProbes(providers: readonly ProviderName[], used: number, key: string): Promise<void> {
    for (let candidate = Math.max(2, used + 1); candidate <= providers.length; candidate++) {
      await guard(() => store.recordProviderOutcome({ provider: providers[candidate - 1], outcome: 'neutral', attemptKey: candidateKey(key, candidate) }));
    }
  }

  /**
   * Each candidate's provider (src/rules/candidates.ts): candidate n > 1 asks the breakers for the
   * first provider of the choice's order not yet taken (its own probe key), so a provider cooling
   * down makes no candidate; when none is let through, the taken ones make more takes.
   */
  async function candidatesOf(ranked: readonly ProviderName[], first: ProviderName, count: number, key: string): Promise<ProviderName[]> {
    const taken: ProviderName[] = [first];
    for (let candidate = 2; candidate <= count; candidate++) {
      const rest = ranked.filter((p) => !taken.includes(p));
      if (rest.length === 0) break;
      const pick = await guard(() => store.pickProvider({ candidates: rest, attemptKey: candidateKey(key, candidate) }));
      if (pick.provider === undefined) break;
      taken.push(pick.provider);
    }
    return candidateProviders(first, taken, count);
  }

  /** The recorded attempts of the scene's kind; none when they cannot be read. */
  async function readEvidence(context: { needs: Pick<AttemptContext['needs'], 'kind'> }): Promise<AttemptEvidence[]> {
    try {
      return await store.attemptEvidence({ kind: context.needs.kind });
    } catch (error) {
      // An optimisation, not a reason to stall the round: the static map stands.
      log()?.warn('provider evidence unavailable; the static provider choice stands', { error: String(error) });
      return [];
    }
  }

  /** The first generation's provider of a scene that names none (src/rules/attempt-plan.ts firstGenerationProvider). */
  async function firstProvider(request: FirstProviderRequest): Promise<ProviderName> {
    const { scene, policy } = request;
    const kind = scene.duration > 0 ? 'video' : 'image';
    const evidence = policy.learnedFirstProvider === true && learnedChoiceApplies({ policy }) ? await readEvidence({ needs: { kind } }) : [];
    return firstGenerationProvider(scene, policy, evidence, deps.keyProblem, `${request.workflowId}/first`);
  }

  return { openRound, recordAttempt, retryAttemptStart, escalateToReview, endRound, passingBarFor: roundBar, firstProvider };
}

/**
 * Closes a review entry with a decision; the decision (and, for an approval by a person, whether
 * it took the judge's best) is counted once, when the entry is closed, not on a retry.
 */
/** Answers the keys of the outgoing webhooks the close added (or a retry of it finds), to start. */
export async function closeDecidedEntry(
  store: Pick<RoundStore, 'closeEntry'>,
  ref: ResolvedRef,
  entry: DecidedEntry,
): Promise<string[] | undefined> {
  const { closed, bestAttemptNumber, bestKeptCandidate, eventKeys } = await guard(() => store.closeEntry(ref, entry));
  if (!closed) return eventKeys;
  countDecision(entry.decision.action);
  const agreed = approvalAgrees(entry.decision, bestAttemptNumber, bestKeptCandidate);
  if (agreed !== undefined) countJudgeAgreement(agreed);
  return eventKeys;
}

/** The activity's logger; none when called outside a worker (tests, scripts). */
function log() {
  return asyncLocalStorage.getStore()?.log;
}

/**
 * The caller's run id, else the run that scheduled this activity, else '' (called outside
 * Temporal). Workflow ids repeat across runs, so the run is part of every idempotency key.
 */
function resolved(ref: RoundRef): ResolvedRef {
  const runId = ref.runId ?? asyncLocalStorage.getStore()?.info.workflowExecution?.runId ?? '';
  return { ...ref, runId };
}

/**
 * What would never succeed on retry fails at once as `bad_request`; everything else is left to the
 * retry policy (the database being down, a lock timeout).
 */
export async function guard<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof RequestRejectedError) throw badRequest(error.message, error);
    if (isPermanentDataError(error)) {
      throw badRequest(`Database refused the write: ${error instanceof Error ? error.message : String(error)}`, error);
    }
    throw error;
  }
}

function badRequest(message: string, cause: unknown): ApplicationFailure {
  return ApplicationFailure.create({
    message,
    type: FailureType.badRequest,
    nonRetryable: true,
    cause: cause instanceof Error ? cause : undefined,
  });
}
