import type {
  AttemptCandidate,
  AssetRef,
  BestPick,
  ProviderName,
  RegenerationAttempt,
  RepairRequest,
  RegenerationState,
  ReviewEntry,
  Scene,
  SceneAnalysisResult,
} from '../api/types';
import { bestOfRound } from '../../../rules/best-pick';
import { isApprovable } from '../../../rules/decision';
import { promptBase } from '../../../rules/prompt';
import { describeBestPick } from './best-pick-text';
import { candidateBadges, type Badge, type RoundDecision } from './candidate-badges';

/** One column of the side-by-side comparison: the round's starting asset or one attempt. */
export interface Candidate {
  key: string;
  /** 0 for the starting asset, as the approve decision names it. */
  attemptNumber: number;
  round: number;
  label: string;
  /** The scene's own asset was made from its visual direction; an attempt's from its prompt. */
  promptLabel: 'Prompt' | 'Visual direction';
  /** Where the starting asset came from, e.g. "best of round 1 (attempt 2)". */
  origin?: string;
  provider: ProviderName;
  prompt: string;
  /** What the prompt is compared with to highlight its changes; absent for the scene's own prompt. */
  previousPrompt?: string;
  /** What previousPrompt is, in words, e.g. "the judge's improved prompt it was built on". */
  comparedWith?: string;
  assetUrl?: string;
  asset?: AssetRef;
  score?: number;
  scoreBefore?: number;
  analysis?: SceneAnalysisResult;
  result?: RegenerationAttempt['result'];
  failure?: RegenerationAttempt['failure'];
  costUsd?: number;
  timestamp?: string;
  /** Whether the workflow would accept approving it: it has an asset and an analysis. */
  approvable: boolean;
  isBest: boolean;
  /** The scene's asset now is this one (after a decision or a passing attempt). */
  isKept: boolean;
  /** Best, kept and result badges that agree with each other (candidateBadges). */
  badges: Badge[];
  /** A line on the card saying who kept it and how it stood with the judge. */
  keptNote?: string;
  /** On the best card: why it is the best (describeBestPick), when the round recorded it. */
  bestWhy?: string;
  /** A repair: what it asked, the defects it named and the asset it edited (shown as before). */
  repair?: RepairRequest;
  /** One of an attempt's candidates made at once: which, how many, and what the attempt kept and why. */
  group?: CandidateGroup;
}

export interface CandidateGroup {
  /** 1.. within its attempt, as the approve decision names it. */
  candidate: number;
  of: number;
  kept: boolean;
  /** Why the attempt made that many, and on the kept one why it was kept, in words. */
  why: string;
  keptWhy?: string;
}

export interface RoundView {
  round: number;
  /** The run's round is still open: the scene record still holds the asset it started from. */
  runOpen: boolean;
  candidates: Candidate[];
  /** undefined: the starting asset is the best. */
  bestAttemptNumber?: number;
  /** Why the best is best; absent for rounds judged before it was recorded. */
  bestPick?: BestPick;
  bestWhy?: string;
  /** The decision that closed this round, when a person (or the timeout policy) decided it. */
  decision?: RoundDecision;
  bestPrompt: string;
  /** Earlier rounds of the same run, oldest first. */
  earlierRounds: { round: number; attempts: Candidate[] }[];
}

const OPEN_SCENE_STATUSES = new Set(['regenerating', 'awaiting_review']);

/**
 * What the scene view compares: the latest round of the scene's latest run, from the round's
 * live state when the workflow answered, else from what the database recorded.
 */
export function buildRoundView(scene: Scene, entry: ReviewEntry | undefined, state: RegenerationState | undefined): RoundView {
  const runAttempts = attemptsOfLatestRun(scene, entry, state);
  const round = state?.round ?? entry?.round ?? Math.max(1, ...runAttempts.map((a) => a.round));
  const runOpen = state
    ? state.status === 'regenerating' || state.status === 'awaiting_review'
    : OPEN_SCENE_STATUSES.has(scene.status);

  const inRound = (r: number): RegenerationAttempt[] => runAttempts.filter((a) => a.round === r);
  const roundAttempts = inRound(round);
  const start = startingCandidate(scene, runAttempts, round, runOpen);

  const pendingEntry = entry?.status === 'pending' && entry.round === round ? entry : undefined;
  const roundEntry = entry && entry.round === round && sameRun(entry, scene, runAttempts) ? entry : undefined;
  const stateOfRound = state && state.round === round ? state : undefined;
  // The server's pick, with its reason; rounds from before it was recorded fall back to the number alone.
  const bestPick = pendingEntry?.bestPick ?? stateOfRound?.bestPick ?? roundEntry?.bestPick;
  const bestAttemptNumber = bestPick
    ? bestPick.attemptNumber
    : pendingEntry
      ? pendingEntry.bestAttemptNumber
      : (stateOfRound?.bestAttemptNumber ?? bestOfRound(roundAttempts)?.attemptNumber);
  const bestWhy = bestPick ? describeBestPick(bestPick) : undefined;
  const decided = roundEntry?.status === 'decided' ? roundEntry.decision : undefined;
  const decision: RoundDecision | undefined = decided && { action: decided.action, by: roundEntry?.decidedBy ?? decided.reviewer };

  const attemptCandidates = roundAttempts.flatMap((attempt) =>
    groupCards(attemptCandidate(attempt, comparison(scene, runAttempts, attempt), bestAttemptNumber, scene), attempt, scene),
  );
  // Once the round is closed the first card shows the scene as it is now, which is the round's
  // starting asset only when no attempt was kept and the scene still has an asset.
  const attemptKept = attemptCandidates.some((c) => c.isKept);
  const startIsBest = bestAttemptNumber === undefined && (runOpen || (!attemptKept && Boolean(start.assetUrl)));
  const startKept =
    !runOpen && Boolean(start.assetUrl) && decided?.action === 'approve' && (decided.attemptNumber ?? bestAttemptNumber ?? 0) === 0;
  const startCandidate = { ...start, isBest: startIsBest, isKept: startKept };
  const candidates = [startCandidate, ...attemptCandidates].map((c) => withBadges(c, { runOpen, decision, bestWhy }));
  const best = candidates.find((c) => c.isBest) ?? startCandidate;

  const earlierRounds: RoundView['earlierRounds'] = [];
  for (let r = 1; r < round; r++) {
    const attempts = inRound(r);
    const bestOfThatRound = bestOfRound(attempts)?.attemptNumber;
    earlierRounds.push({
      round: r,
      attempts: attempts
        .flatMap((a) => groupCards(attemptCandidate(a, comparison(scene, runAttempts, a), bestOfThatRound, scene), a, scene))
        .map((c) => withBadges(c, { runOpen: false })),
    });
  }
  return {
    round,
    runOpen,
    candidates,
    bestAttemptNumber,
    bestPick,
    bestWhy,
    decision,
    bestPrompt: best.prompt,
    earlierRounds,
  };
}

function withBadges(candidate: Candidate, context: Parameters<typeof candidateBadges>[1]): Candidate {
  const { badges, note } = candidateBadges(candidate, context);
  return { ...candidate, badges, keptNote: note, bestWhy: candidate.isBest ? context.bestWhy : undefined };
}

/** An entry belongs to the run shown when it names no run or the run's attempts carry its id. */
function sameRun(entry: ReviewEntry, scene: Scene, runAttempts: RegenerationAttempt[]): boolean {
  const runId = scene.latestRunId ?? (runAttempts[0] as { runId?: string } | undefined)?.runId;
  return entry.runId === undefined || runId === undefined || runId === entry.runId;
}

function attemptsOfLatestRun(scene: Scene, entry: ReviewEntry | undefined, state: RegenerationState | undefined): RegenerationAttempt[] {
  if (state && state.sceneId === scene.id && state.attempts.length > 0) return state.attempts;
  const runId = scene.latestRunId ?? entry?.runId ?? scene.regenerationAttempts.at(-1)?.runId;
  const stored = scene.regenerationAttempts.filter((a) => runId === undefined || a.runId === runId);
  if (stored.length > 0) return stored;
  return entry?.attempts ?? [];
}

/** The asset that was current when the round began; "approve attempt 0" keeps it. */
function startingCandidate(scene: Scene, runAttempts: RegenerationAttempt[], round: number, runOpen: boolean): Candidate {
  const original: Candidate = {
    key: 'start',
    attemptNumber: 0,
    round,
    label: runOpen ? 'Before the round' : 'Scene now',
    promptLabel: 'Visual direction',
    provider: scene.provider,
    prompt: scene.visualDirection,
    assetUrl: scene.assetUrl,
    asset: scene.asset,
    // No asset, no score: a rejected scene keeps its last score in the record, not on screen.
    score: scene.assetUrl ? (scene.qualityScore ?? scene.analysis?.overallScore) : undefined,
    analysis: scene.analysis,
    costUsd: scene.initialCostUsd,
    approvable: Boolean(scene.assetUrl),
    isBest: false,
    isKept: false,
    badges: [],
  };
  if (!runOpen) return original;
  // Each round starts from the best of the round before it (or what that round started from).
  for (let r = round - 1; r >= 1; r--) {
    const carried = bestOfRound(runAttempts.filter((a) => a.round === r));
    if (carried) {
      return {
        ...attemptCandidate(carried, undefined, undefined, scene),
        key: 'start',
        attemptNumber: 0,
        round,
        label: `Start of round ${round}`,
        origin: `best of round ${r} (attempt ${carried.attemptNumber})`,
        isKept: false,
      };
    }
  }
  return original;
}

function attemptCandidate(
  attempt: RegenerationAttempt,
  previous: PromptComparison | undefined,
  bestAttemptNumber: number | undefined,
  scene: Scene,
): Candidate {
  return {
    key: `attempt-${attempt.round}-${attempt.attemptNumber}`,
    attemptNumber: attempt.attemptNumber,
    round: attempt.round,
    label: `Attempt ${attempt.attemptNumber}`,
    promptLabel: 'Prompt',
    provider: attempt.provider,
    prompt: attempt.prompt,
    previousPrompt: previous?.prompt,
    comparedWith: previous?.what,
    assetUrl: attempt.assetUrl,
    asset: attempt.asset,
    score: attempt.analysisResult ? attempt.scoreAfter : undefined,
    scoreBefore: attempt.scoreBefore,
    analysis: attempt.analysisResult,
    result: attempt.result,
    failure: attempt.failure,
    costUsd: attempt.costUsd,
    timestamp: attempt.timestamp,
    approvable: isApprovable(attempt),
    isBest: bestAttemptNumber === attempt.attemptNumber,
    isKept: Boolean(attempt.assetUrl) && attempt.assetUrl === scene.assetUrl && !OPEN_SCENE_STATUSES.has(scene.status),
    badges: [],
    ...(attempt.repair ? { repair: attempt.repair } : {}),
  };
}

/**
 * An attempt that made several candidates at once is one card per candidate, side by side: each
 * with its own asset, score, prompt and cost; the attempt's mark as best (and as kept by the
 * scene) on the candidate it kept. An attempt of one candidate is its one card.
 */
function groupCards(card: Candidate, attempt: RegenerationAttempt, scene: Scene): Candidate[] {
  const candidates = attempt.candidates;
  if (candidates === undefined || candidates.length === 0) return [card];
  const why = candidatesWhyText(attempt.candidatesWhy, candidates.length);
  return candidates.map((c) => ({
    ...card,
    key: `${card.key}-${c.candidate}`,
    label: `Attempt ${attempt.attemptNumber} · candidate ${c.candidate}`,
    provider: c.provider,
    prompt: c.prompt,
    assetUrl: c.assetUrl,
    asset: c.asset,
    score: c.analysisResult ? c.scoreAfter : undefined,
    analysis: c.analysisResult,
    // The attempt's result is the kept candidate's; the others were judged, not ruled on.
    result: c.kept ? attempt.result : undefined,
    failure: c.failure,
    costUsd: c.costUsd,
    approvable: isApprovable(c),
    isBest: card.isBest && c.kept,
    isKept: Boolean(c.assetUrl) && c.assetUrl === scene.assetUrl && !OPEN_SCENE_STATUSES.has(scene.status),
    group: { candidate: c.candidate, of: candidates.length, kept: c.kept, why, ...(c.kept && c.keptReason ? { keptWhy: keptReasonText(c.keptReason) } : {}) },
  }));
}

/** Why an attempt made the candidates it did (src/rules/candidates.ts), in words. */
export function candidatesWhyText(why: RegenerationAttempt['candidatesWhy'], count: number): string {
  if (why === 'deadline') return `${count} at once: the deadline left time for one more attempt only`;
  if (why === 'budget') return `${count} at once: the budget held no more`;
  return `${count} at once, as the policy asks`;
}

function keptReasonText(reason: NonNullable<AttemptCandidate['keptReason']>): string {
  if (reason === 'pairwise') return 'Kept: Claude preferred it to the runner-up in both orders';
  if (reason === 'pairwise_split') return 'Kept: the highest score (the two orders of the comparison disagreed)';
  if (reason === 'only_candidate') return 'Kept: the only candidate with a judged asset';
  return 'Kept: the highest score';
}

/**
 * What this attempt's prompt is compared with. Attempt 1 of a round is built on the judge's
 * improved prompt of the asset the round started from (SPEC.md), so it is diffed against that
 * base; later attempts against the prompt tried just before. The page does not know the
 * analysis a round started from for certain (a closed round's scene record holds its outcome's),
 * so the base is taken from the analyses the run had seen, the one whose base the prompt starts
 * with; a person's prompt matches none and is compared with the prompt tried before it.
 */
export function previousPrompt(scene: Scene, runAttempts: RegenerationAttempt[], attempt: RegenerationAttempt): string {
  return comparison(scene, runAttempts, attempt).prompt;
}

interface PromptComparison {
  prompt: string;
  what: string;
}

function comparison(scene: Scene, runAttempts: RegenerationAttempt[], attempt: RegenerationAttempt): PromptComparison {
  const index = runAttempts.findIndex((a) => a.round === attempt.round && a.attemptNumber === attempt.attemptNumber);
  const before: PromptComparison =
    index > 0 ? { prompt: runAttempts[index - 1].prompt, what: 'the previous prompt' } : { prompt: scene.visualDirection, what: 'the visual direction' };
  if (attempt.attemptNumber !== 1) return before;
  const earlier = index > 0 ? runAttempts.slice(0, index) : [];
  const analyses = [startAnalysis(scene, earlier, attempt.round), scene.analysis, ...earlier.map((a) => a.analysisResult).reverse()];
  for (const analysis of analyses) {
    if (!analysis) continue;
    const base = promptBase({ attemptNumber: 1, visualDirection: scene.visualDirection, analysis });
    if (base !== scene.visualDirection && startsFrom(attempt.prompt, base)) return { prompt: base, what: 'the judge’s improved prompt it was built on' };
  }
  return startsFrom(attempt.prompt, scene.visualDirection) ? { prompt: scene.visualDirection, what: 'the visual direction' } : before;
}

/** The analysis of the asset a round started from, as the workflow carries it between rounds. */
function startAnalysis(scene: Scene, earlier: RegenerationAttempt[], round: number): SceneAnalysisResult | undefined {
  for (let r = round - 1; r >= 1; r--) {
    const carried = bestOfRound(earlier.filter((a) => a.round === r));
    if (carried?.analysisResult) return carried.analysisResult;
  }
  return scene.analysis;
}

/** improvedPrompt trims the base's closing punctuation before it adds to it. */
function startsFrom(prompt: string, base: string): boolean {
  const trimmed = base.trim().replace(/[.\s]+$/, '');
  return trimmed.length > 0 && prompt.startsWith(trimmed);
}


/** Width over height for a media box, so it holds its place before the media arrive. */
export function aspectRatioOf(asset: AssetRef | undefined, scene: Scene): number {
  if (asset?.width && asset.height) return asset.width / asset.height;
  if (scene.asset?.width && scene.asset.height) return scene.asset.width / scene.asset.height;
  const match = /^(\d+(?:\.\d+)?):(\d+(?:\.\d+)?)$/.exec(scene.aspectRatio ?? '');
  if (match && Number(match[2]) > 0) return Number(match[1]) / Number(match[2]);
  return 16 / 9;
}

export function isVideo(asset: AssetRef | undefined, url: string | undefined): boolean {
  if (asset) return asset.mediaType.startsWith('video/');
  return /\.(mp4|webm|mov)(\?|$)/i.test(url ?? '');
}
