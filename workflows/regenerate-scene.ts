import {
  allHandlersFinished,
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  condition,
  continueAsNew,
  isCancellation,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import { checkRegenerateSceneInput } from '../src/domain/input-checks';
import type { RegenerateSceneInput } from '../src/domain/inputs';
import type { EscalationReason, RegenerationAttempt, RegenerationResult } from '../src/domain/regeneration';
import type { AttemptStart, RoundOpening } from '../src/domain/round-steps';
import { pipelineSceneOf } from '../src/domain/scene';
import { promptLimit } from '../src/catalog/prompt-limit';
import { shouldContinueAsNew } from '../src/rules/continue-as-new';
import { resolvePolicy } from '../src/rules/policy';
import { judgingSettings } from '../src/rules/judging';
import { improvedPrompt } from '../src/rules/prompt';
import { openRound, recordAttempt, retryAttemptStart } from './activities';
import { AttemptCancelled, runAttempt } from './attempt';
import { candidatePlans, runCandidates } from './candidates';
import { repairOfCurrent } from './repair';
import { ReviewInbox } from './review-wait';
import { RoundRecord } from './round-record';

/**
 * One regeneration round for a scene (SPEC.md), then, if no attempt passed, a durable wait for a
 * person's decision, which may start another round. Decisions only: all I/O is in activities,
 * and every change to what the round knows goes through its record.
 */
export async function regenerateSceneWorkflow(rawInput: RegenerateSceneInput): Promise<RegenerationResult> {
  const input = checkedInput(rawInput);
  const record = new RoundRecord(input, resolvePolicy(input.policy));
  const inbox = new ReviewInbox(record, input.scene);
  const firstRoundOfRun = record.state.round;
  try {
    let start = await openFirstRound(input, record);
    record.useBar(start.passingBar);
    for (;;) {
      const ended = await runRound(input, record, start);
      if ('passed' in ended) return await record.pass(ended.passed);
      const entryId = await record.escalate(ended.reason, ended.last, ended.message);
      const review = await inbox.nextDecision();
      if (review === undefined) return await record.timeOut(entryId);
      const { decision } = review;
      if (decision.action === 'approve') return await record.approve(review, record.approvedAsset(decision.attemptNumber, decision.candidate)!, entryId);
      if (decision.action === 'reject') return await record.reject(review, entryId);
      // regenerate: another round from the round's best, with the reviewer's prompt and provider.
      record.startNextRound(decision);
      inbox.clear();
      const decided = { entryId, ...review };
      if (switchRuns(record, firstRoundOfRun)) {
        // A signal that arrived with the decision is handled (and refused) in this run, not dropped by the switch.
        await condition(allHandlersFinished);
        const runsBefore = (input.carried?.runsBefore ?? 0) + 1;
        return await continueAsNew<typeof regenerateSceneWorkflow>({ ...input, customPrompt: undefined, provider: undefined, carried: { ...record.carried(), runsBefore, decided } });
      }
      start = await step(() => openRound.executeWithOptions(summary(record, 'open'), [{ ref: record.ref(), decided, firstAttempt: firstAttemptOf(record) }]));
      record.useBar(start.passingBar);
    }
  } catch (error) {
    const cancelled = error instanceof AttemptCancelled ? error.cause : error;
    if (!isCancellation(cancelled)) throw cancelled;
    return await CancellationScope.nonCancellable(() => record.cancel(error instanceof AttemptCancelled ? error.attempt : undefined));
  }
}

/** `message`: why the round stopped early, with its figures, for the reviewer. */
type RoundEnd = { passed: RegenerationAttempt } | { reason: EscalationReason; last?: RegenerationAttempt; message?: string };

/**
 * Up to maxAttempts attempts: each generated and judged, then recorded in the step that starts
 * the next (provider, budget). Ends as soon as one passes, or with why a person must look.
 */
async function runRound(input: RegenerateSceneInput, record: RoundRecord, opening: AttemptStart): Promise<RoundEnd> {
  const { maxAttempts } = record.policy;
  let start = opening;
  for (let attemptNumber = 1; ; attemptNumber++) {
    start = await untilProvidersBack(record, attemptNumber, start);
    if (!start.start) return { reason: start.reason, message: start.message };
    const attempt = await attemptWith(input, record, attemptNumber, start);
    record.addAttempt(attempt);
    if (attempt.result === 'success') return { passed: attempt };
    if (attemptNumber >= maxAttempts) return { reason: 'auto_regeneration_failed', last: attempt };
    const next = record.attemptContext(attemptNumber + 1, record.direction.provider);
    start = (await step(() => recordAttempt.executeWithOptions(summary(record, `attempt ${attemptNumber} · record`), [{ ref: record.ref(), attempt, next }])))!;
  }
}

/** One attempt with the provider its start chose, from a prompt improved for it (SPEC.md). */
async function attemptWith(
  input: RegenerateSceneInput,
  record: RoundRecord,
  attemptNumber: number,
  start: Extract<AttemptStart, { start: true }>,
): Promise<RegenerationAttempt> {
  const { scene, project } = input;
  const { provider } = start;
  const { kind } = record.attemptContext(attemptNumber, provider).needs;
  const { workflowId, runId } = workflowInfo();
  const repair = start.kind === 'repair' ? repairOfCurrent(record, kind, provider) : undefined;
  const promptInput = {
    attemptNumber,
    visualDirection: scene.visualDirection,
    personPrompt: record.direction.personPrompt,
    analysis: record.current.analysis,
    brandProfile: project?.brandProfile,
  };
  const plan = {
    idempotencyKey: `${workflowId}/${runId}/${record.state.round}/${attemptNumber}`,
    round: record.state.round,
    attemptNumber,
    provider,
    prompt: repair?.prompt ?? improvedPrompt({ ...promptInput, maxLength: promptLimit(provider, kind) }),
    ...(repair ? { repair: repair.repair } : {}),
    kind,
    scene,
    brandProfile: project?.brandProfile,
    personPrompt: record.direction.personPrompt,
    policy: record.policy,
    current: record.current,
    label: `attempt ${attemptNumber} · ${provider}`,
  };
  // A repair edits the one current asset: it is never split into candidates.
  const several = repair ? undefined : start.candidates;
  record.startAttempt(attemptNumber, several ? `generating ${several.length} candidates with ${several.join(', ')}` : `${repair ? 'repairing' : 'generating'} with ${provider}`);
  const attempt = several
    ? await runCandidates(candidatePlans(plan, several, promptInput), {
        scene,
        brandProfile: project?.brandProfile,
        personPrompt: record.direction.personPrompt,
        band: judgingSettings(record.policy).uncertaintyBand,
        why: start.candidatesWhy ?? 'policy',
      })
    : await runAttempt(plan);
  return {
    ...attempt,
    passingScore: record.policy.minScoreToPass,
    ...(start.skipped.length > 0 ? { skippedProviders: start.skipped } : {}),
    ...(start.providerChoice ? { providerChoice: start.providerChoice } : {}),
  };
}

/**
 * SPEC.md "Cost and provider health": when every provider that could make the scene is cooling
 * down, the round waits on a durable timer for the first to come back, within the attempt's
 * deadline, and asks again; past it the refusal stands and the round escalates.
 */
async function untilProvidersBack(record: RoundRecord, attemptNumber: number, refused: AttemptStart): Promise<AttemptStart> {
  let start = refused;
  const startedAt = Date.now();
  while (!start.start && start.reason === 'providers_unavailable' && start.retryAfterMs !== undefined) {
    if (Date.now() + start.retryAfterMs - startedAt > start.waitUpToMs) break;
    record.tell(`every provider is cooling down; asking again in ${Math.ceil(start.retryAfterMs / 1000)} s`);
    await sleep(start.retryAfterMs);
    const attempt = record.attemptContext(attemptNumber, record.direction.provider);
    start = await step(() => retryAttemptStart.executeWithOptions(summary(record, `attempt ${attemptNumber} · start`), [{ ref: record.ref(), attempt }]));
  }
  return start;
}

/** The first round of this run: the scene stored when the round is the first to know it, or the reviewer's decision closed. */
function openFirstRound(input: RegenerateSceneInput, record: RoundRecord): Promise<RoundOpening> {
  const { scene, project, carried } = input;
  const saveScene = carried
    ? undefined
    : { scene: pipelineSceneOf(scene), project, current: { assetUrl: scene.currentAssetUrl, analysis: scene.analysisResult } };
  return step(() =>
    openRound.executeWithOptions(summary(record, 'open'), [
      { ref: record.ref(), ...(saveScene ? { saveScene } : {}), ...(carried?.decided ? { decided: carried.decided } : {}), firstAttempt: firstAttemptOf(record) },
    ]),
  );
}

function firstAttemptOf(record: RoundRecord) {
  return record.attemptContext(1, record.direction.provider);
}

/**
 * A write and the decision it brings back run to completion whatever happens meanwhile, so a
 * cancellation never leaves half a write behind (SPEC.md "How a round ends"); it is acted on as
 * soon as the step is done.
 */
async function step<T>(write: () => Promise<T>): Promise<T> {
  const done = await CancellationScope.nonCancellable(write);
  if (CancellationScope.current().consideredCancelled) throw new CancelledFailure('The round was cancelled');
  return done;
}

function summary(record: RoundRecord, what: string): { summary: string } {
  return { summary: `round ${record.state.round} · ${what}` };
}

/** Between reviewer rounds, where nothing is pending, a long-lived round moves to a new run. */
function switchRuns(record: RoundRecord, firstRoundOfRun: number): boolean {
  const { historyLength, continueAsNewSuggested } = workflowInfo();
  return shouldContinueAsNew({ roundsInRun: record.state.round - firstRoundOfRun, historyLength, suggestedByServer: continueAsNewSuggested });
}

/** Bad input fails the execution, not the workflow task, so it ends the run instead of looping. */
function checkedInput(raw: unknown): RegenerateSceneInput {
  const checked = checkRegenerateSceneInput(raw);
  if (!checked.ok) throw ApplicationFailure.nonRetryable(`Invalid input: ${checked.problems.join('; ')}`, 'bad_request');
  return checked.value;
}
