/**
 * The checks of everything a workflow accepts from outside (CONTRACT.md's inputs and the
 * reviewer's decision). The workflows, the HTTP API and the CLI all use these, so a shape has one
 * definition and one set of messages.
 */
import { ISSUE_CATEGORIES, ISSUE_SEVERITIES, RECOMMENDATIONS, type IssueCategory, type IssueRegion, type IssueTimeSpan, type SceneAnalysisResult, type SceneIssue } from './analysis';
import type { BrandProfile, ProjectRef } from './brand';
import type { CarriedRound, RegenerateSceneInput, RoundAsset, SceneAssetInput } from './inputs';
import { DURATION_PATTERN, INSTANT_PATTERN, MAX_CANDIDATES, REVIEW_TIMEOUT_ACTIONS, type PartialPolicy, type RegenerationPolicy } from './policy';
import { PROVIDER_NAMES, type ProviderName } from './provider';
import { DECISION_ACTIONS, DECISION_LIMITS, type UserDecision } from './regeneration';
import type { PipelineScene, Scene, SceneForRegeneration } from './scene';
import { defined, join, ShapeCheck, type Checked } from './shape-check';

export function checkRegenerateSceneInput(raw: unknown): Checked<RegenerateSceneInput> {
  const check = new ShapeCheck();
  const input = check.object(raw, 'input');
  if (input === undefined) return check.failed();
  const scene = sceneForRegeneration(check, input.scene, 'scene');
  const value = defined({
    scene,
    project: check.optional(input.project, (v) => projectRef(check, v, 'project')),
    policy: check.optional(input.policy, (v) => partialPolicy(check, v, 'policy')),
    trigger: check.optional(input.trigger, (v) => check.oneOf(v, 'trigger', ['auto', 'manual'] as const)),
    requestedBy: check.optional(input.requestedBy, (v) => check.string(v, 'requestedBy')),
    customPrompt: check.optional(input.customPrompt, (v) => personPrompt(check, v, 'customPrompt')),
    provider: check.optional(input.provider, (v) => providerName(check, v, 'provider')),
    carried: check.optional(input.carried, (v) => carriedRound(check, v, 'carried')),
  }) as RegenerateSceneInput;
  return check.result(scene && value);
}

export function checkSceneAssetInput(raw: unknown): Checked<SceneAssetInput> {
  const check = new ShapeCheck();
  const input = check.object(raw, 'input');
  if (input === undefined) return check.failed();
  const scene = pipelineScene(check, input.scene, 'scene', { providerOptional: true });
  const value = defined({
    scene,
    project: check.optional(input.project, (v) => projectRef(check, v, 'project')),
    policy: check.optional(input.policy, (v) => partialPolicy(check, v, 'policy')),
  }) as SceneAssetInput;
  return check.result(scene && value);
}

export interface DecisionCheckOptions {
  /** Where the decision sits in the message, e.g. "body"; default "decision". */
  path?: string;
  /**
   * The reviewer the caller vouches for (an API token's owner): the decision must not name one
   * itself, and any field it does not know is refused rather than dropped.
   */
  reviewer?: string;
}

export function checkUserDecision(raw: unknown, options: DecisionCheckOptions = {}): Checked<UserDecision> {
  const check = new ShapeCheck();
  const path = options.path ?? 'decision';
  const exact = options.reviewer !== undefined;
  const loose = check.object(raw, path);
  if (loose === undefined) return check.failed();
  const action = check.oneOf(loose.action, join(path, 'action'), DECISION_ACTIONS);
  if (action === undefined) return check.failed();
  const fields: Record<(typeof DECISION_ACTIONS)[number], string[]> = {
    approve: ['attemptNumber', 'candidate'],
    reject: [],
    regenerate: ['customPrompt', 'provider'],
  };
  const allowed = ['action', 'note', ...fields[action], ...(exact ? [] : ['reviewer'])];
  const decision = check.object(raw, path, exact ? allowed : undefined)!;
  const reviewer = options.reviewer ?? check.string(decision.reviewer, join(path, 'reviewer'), { min: 1, max: DECISION_LIMITS.reviewer });
  const note = check.optional(decision.note, (v) => check.string(v, join(path, 'note'), { max: DECISION_LIMITS.note }));
  let value: UserDecision | undefined;
  if (action === 'approve') {
    const attemptNumber = check.optional(decision.attemptNumber, (v) =>
      check.number(v, join(path, 'attemptNumber'), { integer: true, min: 0 }),
    );
    const candidate = check.optional(decision.candidate, (v) => check.number(v, join(path, 'candidate'), { integer: true, min: 1, max: MAX_CANDIDATES }));
    // A candidate belongs to an attempt: with none named, "the round's best" has no candidates to choose from.
    if (candidate !== undefined && (attemptNumber === undefined || attemptNumber === 0)) {
      check.problem(join(path, 'candidate'), 'needs attemptNumber: the attempt whose candidate it is');
    }
    value = defined({ action, attemptNumber, candidate, reviewer: reviewer!, note });
  } else if (action === 'reject') {
    value = defined({ action, reviewer: reviewer!, note });
  } else {
    const customPrompt = check.optional(decision.customPrompt, (v) => personPrompt(check, v, join(path, 'customPrompt')));
    const provider = check.optional(decision.provider, (v) => providerName(check, v, join(path, 'provider')));
    value = defined({ action, customPrompt, provider, reviewer: reviewer!, note });
  }
  return check.result(value);
}

/** What the pipeline hands over for a whole video: the project once, then its scenes in order. */
export interface Storyboard {
  project: ProjectRef;
  policy?: PartialPolicy;
  scenes: PipelineScene[];
}

/** Inside a storyboard a scene's project and place are implied by the file, so both may be left out. */
export function checkStoryboard(raw: unknown): Checked<Storyboard> {
  const check = new ShapeCheck();
  const storyboard = check.object(raw, '(file)');
  if (storyboard === undefined) return check.failed();
  const project = projectRef(check, storyboard.project, 'project');
  const policy = check.optional(storyboard.policy, (v) => partialPolicy(check, v, 'policy'));
  if (project === undefined) return check.failed();
  const seen = new Set<number>();
  const scenes = check.array(
    storyboard.scenes,
    'scenes',
    (v, path) => {
      const given = check.object(v, path);
      if (given === undefined) return undefined;
      if (given.projectId !== undefined && given.projectId !== project.id) {
        return check.problem(join(path, 'projectId'), `scene ${String(given.id)} names project ${String(given.projectId)}, the storyboard is project ${project.id}`);
      }
      const index = Number(path.slice(path.lastIndexOf('.') + 1));
      const scene = pipelineScene(check, { ...given, projectId: project.id, sceneIndex: given.sceneIndex ?? index }, path);
      if (scene && seen.has(scene.id)) return check.problem(join(path, 'id'), `scene id ${scene.id} appears twice`);
      if (scene) seen.add(scene.id);
      return scene;
    },
    { min: 1, max: 1000 },
  );
  return check.result(scenes && defined({ project, policy, scenes }));
}

function sceneFields(check: ShapeCheck, scene: Record<string, unknown>, path: string): Scene | undefined {
  const before = check.problems.length;
  const value = defined({
    id: check.number(scene.id, join(path, 'id'), { integer: true, min: 1 }),
    projectId: check.number(scene.projectId, join(path, 'projectId'), { integer: true, min: 1 }),
    sceneIndex: check.number(scene.sceneIndex, join(path, 'sceneIndex'), { integer: true, min: 0 }),
    sceneType: check.string(scene.sceneType, join(path, 'sceneType')),
    contentType: check.string(scene.contentType, join(path, 'contentType')),
    narration: check.string(scene.narration, join(path, 'narration')),
    visualDirection: nonBlank(check, scene.visualDirection, join(path, 'visualDirection')),
    duration: check.number(scene.duration, join(path, 'duration'), { min: 0 }),
    aspectRatio: check.optional(scene.aspectRatio, (v) => check.string(v, join(path, 'aspectRatio'))),
  }) as Scene;
  return check.problems.length === before ? value : undefined;
}

function pipelineScene(check: ShapeCheck, raw: unknown, path: string): PipelineScene | undefined;
function pipelineScene(check: ShapeCheck, raw: unknown, path: string, options: { providerOptional: true }): SceneAssetInput['scene'] | undefined;
function pipelineScene(check: ShapeCheck, raw: unknown, path: string, options?: { providerOptional: true }): SceneAssetInput['scene'] | undefined {
  const scene = check.object(raw, path);
  if (scene === undefined) return undefined;
  const fields = sceneFields(check, scene, path);
  if (options?.providerOptional && scene.provider === undefined) return fields;
  const provider = providerName(check, scene.provider, join(path, 'provider'));
  return fields && provider && { ...fields, provider };
}

function sceneForRegeneration(check: ShapeCheck, raw: unknown, path: string): SceneForRegeneration | undefined {
  const scene = check.object(raw, path);
  if (scene === undefined) return undefined;
  const fields = sceneFields(check, scene, path);
  const currentProvider = providerName(check, scene.currentProvider, join(path, 'currentProvider'));
  const currentAssetUrl = check.optional(scene.currentAssetUrl, (v) => check.string(v, join(path, 'currentAssetUrl')));
  const currentAsset = check.optional(scene.currentAsset, (v) => check.object(v, join(path, 'currentAsset'))) as
    | SceneForRegeneration['currentAsset']
    | undefined;
  const analysisResult = analysis(check, scene.analysisResult, join(path, 'analysisResult'));
  if (!fields || !currentProvider || !analysisResult) return undefined;
  return defined({ ...fields, currentProvider, currentAssetUrl, currentAsset, analysisResult });
}

function analysis(check: ShapeCheck, raw: unknown, path: string): SceneAnalysisResult | undefined {
  const result = check.object(raw, path);
  if (result === undefined) return undefined;
  const before = check.problems.length;
  const score = (v: unknown, p: string) => check.number(v, p, { min: 0, max: 100 });
  const value = defined({
    overallScore: score(result.overallScore, join(path, 'overallScore')),
    recommendation: check.oneOf(result.recommendation, join(path, 'recommendation'), RECOMMENDATIONS),
    issues: check.array(result.issues, join(path, 'issues'), (v, p) => issue(check, v, p)),
    improvedPrompt: check.optional(result.improvedPrompt, (v) => check.string(v, join(path, 'improvedPrompt'))),
    categoryScores: check.optional(result.categoryScores, (v) => {
      const scores = check.object(v, join(path, 'categoryScores'), ISSUE_CATEGORIES);
      if (scores === undefined) return undefined;
      for (const [category, value] of Object.entries(scores)) score(value, join(path, `categoryScores.${category}`));
      return scores as Partial<Record<IssueCategory, number>>;
    }),
  }) as SceneAnalysisResult;
  return check.problems.length === before ? value : undefined;
}

function issue(check: ShapeCheck, raw: unknown, path: string): SceneIssue | undefined {
  const value = check.object(raw, path);
  if (value === undefined) return undefined;
  const category = check.oneOf(value.category, join(path, 'category'), ISSUE_CATEGORIES);
  const severity = check.oneOf(value.severity, join(path, 'severity'), ISSUE_SEVERITIES);
  const description = check.string(value.description, join(path, 'description'));
  const before = check.problems.length;
  const region = check.optional(value.region, (v) => issueRegion(check, v, join(path, 'region')));
  const timeSpan = check.optional(value.timeSpan, (v) => issueTimeSpan(check, v, join(path, 'timeSpan')));
  if (check.problems.length > before) return undefined;
  return category && severity && description !== undefined
    ? { category, severity, description, ...(region ? { region } : {}), ...(timeSpan ? { timeSpan } : {}) }
    : undefined;
}

/** A box inside the frame, in fractions of its width and height, with some area. */
function issueRegion(check: ShapeCheck, raw: unknown, path: string): IssueRegion | undefined {
  const value = check.object(raw, path);
  if (value === undefined) return undefined;
  const unit = (field: 'x' | 'y' | 'w' | 'h') => check.number(value[field], join(path, field), { min: 0, max: 1 });
  const [x, y, w, h] = [unit('x'), unit('y'), unit('w'), unit('h')];
  if (x === undefined || y === undefined || w === undefined || h === undefined) return undefined;
  if (w === 0 || h === 0) return check.problem(path, 'must have a width and a height above 0');
  if (x + w > 1 + 1e-9 || y + h > 1 + 1e-9) return check.problem(path, 'must lie inside the frame: x + w and y + h at most 1');
  return { x, y, w, h };
}

function issueTimeSpan(check: ShapeCheck, raw: unknown, path: string): IssueTimeSpan | undefined {
  const value = check.object(raw, path);
  if (value === undefined) return undefined;
  const startS = check.number(value.startS, join(path, 'startS'), { min: 0, max: 3_600 });
  const endS = check.number(value.endS, join(path, 'endS'), { min: 0, max: 3_600 });
  if (startS === undefined || endS === undefined) return undefined;
  return endS > startS ? { startS, endS } : check.problem(path, 'endS must be after startS');
}

function projectRef(check: ShapeCheck, raw: unknown, path: string): ProjectRef | undefined {
  const project = check.object(raw, path);
  if (project === undefined) return undefined;
  const before = check.problems.length;
  const value = defined({
    id: check.number(project.id, join(path, 'id'), { integer: true }),
    name: check.optional(project.name, (v) => check.string(v, join(path, 'name'))),
    brandProfile: check.optional(project.brandProfile, (v) => brandProfile(check, v, join(path, 'brandProfile'))),
    budgetUsd: check.optional(project.budgetUsd, (v) => positiveUsd(check, v, join(path, 'budgetUsd'))),
  }) as ProjectRef;
  return check.problems.length === before ? value : undefined;
}

/** A budget of nothing would stop every round before its first attempt: leave it out for none. */
function positiveUsd(check: ShapeCheck, raw: unknown, path: string): number | undefined {
  const value = check.number(raw, path, { min: 0 });
  if (value === undefined) return undefined;
  return value > 0 ? value : check.problem(path, 'must be more than 0 (leave it out for no budget)');
}

const BRAND_FIELDS = ['guidelines', 'lightingFix', 'colorFix', 'corporateFix', 'avoid'] as const;

function brandProfile(check: ShapeCheck, raw: unknown, path: string): BrandProfile | undefined {
  const profile = check.object(raw, path);
  if (profile === undefined) return undefined;
  const before = check.problems.length;
  const value = defined(
    Object.fromEntries(
      // An empty phrase would add ", ," to every prompt; leaving the field out keeps the default.
      BRAND_FIELDS.map((field) => [field, check.optional(profile[field], (v) => nonBlank(check, v, join(path, field), 'leave it out for the default'))]),
    ),
  ) as BrandProfile;
  return check.problems.length === before ? value : undefined;
}

function partialPolicy(check: ShapeCheck, raw: unknown, path: string): PartialPolicy | undefined {
  const policy = check.object(raw, path);
  if (policy === undefined) return undefined;
  const before = check.problems.length;
  const percent = (field: keyof RegenerationPolicy) => (v: unknown) => check.number(v, join(path, field), { min: 0, max: 100 });
  const duration = (field: keyof RegenerationPolicy) => (v: unknown) =>
    check.string(v, join(path, field), {
      pattern: DURATION_PATTERN,
      patternMessage: 'a duration such as "72h", "30 minutes" or "10s"',
    });
  const providers = (field: string) => (v: unknown) =>
    check.array(v, join(path, `providerFallbackOrder.${field}`), (p, at) => providerName(check, p, at), { min: 1 });
  const value = defined({
    maxAttempts: check.optional(policy.maxAttempts, (v) => check.number(v, join(path, 'maxAttempts'), { integer: true, min: 1, max: 10 })),
    minScoreToPass: check.optional(policy.minScoreToPass, percent('minScoreToPass')),
    scoreImprovementThreshold: check.optional(policy.scoreImprovementThreshold, percent('scoreImprovementThreshold')),
    providerFallbackOrder: check.optional(policy.providerFallbackOrder, (v) => {
      const order = check.object(v, join(path, 'providerFallbackOrder'));
      if (order === undefined) return undefined;
      const video = providers('video')(order.video);
      const image = providers('image')(order.image);
      return video && image ? { video, image } : undefined;
    }),
    reviewTimeout: check.optional(policy.reviewTimeout, duration('reviewTimeout')),
    generationTimeout: check.optional(policy.generationTimeout, duration('generationTimeout')),
    onReviewTimeout: check.optional(policy.onReviewTimeout, (v) => check.oneOf(v, join(path, 'onReviewTimeout'), REVIEW_TIMEOUT_ACTIONS)),
    // A band past 50 would re-judge nearly every score; more than 5 judgments pays for little.
    uncertaintyBand: check.optional(policy.uncertaintyBand, (v) => check.number(v, join(path, 'uncertaintyBand'), { min: 0, max: 50 })),
    judgmentsNearBar: check.optional(policy.judgmentsNearBar, (v) =>
      check.number(v, join(path, 'judgmentsNearBar'), { integer: true, min: 1, max: 5 }),
    ),
    // Claude model ids; a few at most: each judgment near the bar takes the next in turn.
    judgeModels: check.optional(policy.judgeModels, (v) =>
      check.array(v, join(path, 'judgeModels'), (m, at) => check.string(m, at, { pattern: /^claude-[a-z0-9.-]{1,60}$/, patternMessage: 'a Claude model id such as "claude-sonnet-4-6"' }), { min: 1, max: 5 }),
    ),
    auditRate: check.optional(policy.auditRate, (v) => check.number(v, join(path, 'auditRate'), { min: 0, max: 1 })),
    calibratedBar: check.optional(policy.calibratedBar, (v) => check.boolean(v, join(path, 'calibratedBar'))),
    // At least one verdict: a calibration from none is no calibration.
    minDecisions: check.optional(policy.minDecisions, (v) => check.number(v, join(path, 'minDecisions'), { integer: true, min: 1, max: 100_000 })),
    maxCostUsd: check.optional(policy.maxCostUsd, (v) => positiveUsd(check, v, join(path, 'maxCostUsd'))),
    learnedProviderChoice: check.optional(policy.learnedProviderChoice, (v) => check.boolean(v, join(path, 'learnedProviderChoice'))),
    learnedFirstProvider: check.optional(policy.learnedFirstProvider, (v) => check.boolean(v, join(path, 'learnedFirstProvider'))),
    // At least one judged attempt: a record of none would let no evidence at all decide.
    minEvidence: check.optional(policy.minEvidence, (v) =>
      check.number(v, join(path, 'minEvidence'), { integer: true, min: 1, max: 100_000 }),
    ),
    // 0 is allowed: a pass then saves nothing, so no attempt is worth its price.
    reviewCostUsd: check.optional(policy.reviewCostUsd, (v) => check.number(v, join(path, 'reviewCostUsd'), { min: 0, max: 10_000 })),
    // 0 turns repairs off: no asset below the bar is within 0 points of it.
    repairBand: check.optional(policy.repairBand, (v) => check.number(v, join(path, 'repairBand'), { min: 0, max: 100 })),
    maxRepairDefects: check.optional(policy.maxRepairDefects, (v) =>
      check.number(v, join(path, 'maxRepairDefects'), { integer: true, min: 1, max: 10 }),
    ),
    candidates: check.optional(policy.candidates, (v) => check.number(v, join(path, 'candidates'), { integer: true, min: 1, max: MAX_CANDIDATES })),
    deadline: check.optional(policy.deadline, (v) => instant(check, v, join(path, 'deadline'))),
  }) as PartialPolicy;
  return check.problems.length === before ? value : undefined;
}

/** An ISO 8601 instant with its time zone that names a real date (not 2026-02-30). */
function instant(check: ShapeCheck, raw: unknown, path: string): string | undefined {
  const text = check.string(raw, path, { pattern: INSTANT_PATTERN, patternMessage: 'an ISO 8601 time with its zone, such as "2026-12-07T18:00:00Z"' });
  if (text === undefined) return undefined;
  const [year, month, day] = text.slice(0, 10).split('-').map(Number);
  const calendar = new Date(Date.UTC(year, month - 1, day));
  const real = calendar.getUTCMonth() === month - 1 && calendar.getUTCDate() === day && !Number.isNaN(Date.parse(text));
  return real ? text : check.problem(path, 'is not a real date and time');
}

/** Provider names are matched whatever their case ("Kling" is kling) and stored in lower case. */
function providerName(check: ShapeCheck, raw: unknown, path: string): ProviderName | undefined {
  return check.oneOf(normalProviderName(raw), path, PROVIDER_NAMES);
}

export function normalProviderName(raw: unknown): unknown {
  return typeof raw === 'string' ? raw.trim().toLowerCase() : raw;
}

/** A person's prompt: whitespace alone says nothing, so it is refused rather than sent; the rest is trimmed. */
function personPrompt(check: ShapeCheck, raw: unknown, path: string): string | undefined {
  const prompt = check.string(raw, path, { max: DECISION_LIMITS.customPrompt });
  if (prompt === undefined) return undefined;
  return prompt.trim() === '' ? check.problem(path, 'must not be empty') : prompt.trim();
}

/** Text the prompts are built from: whitespace alone is refused, the rest is trimmed. */
function nonBlank(check: ShapeCheck, raw: unknown, path: string, hint?: string): string | undefined {
  const text = check.string(raw, path);
  if (text === undefined) return undefined;
  return text.trim() === '' ? check.problem(path, hint ? `must not be blank (${hint})` : 'must not be blank') : text.trim();
}

/**
 * What a run hands the next when it continues as new. Only the workflow writes it; the check
 * keeps a hand-made start from smuggling in a shape the round cannot stand on.
 */
function carriedRound(check: ShapeCheck, raw: unknown, path: string): CarriedRound | undefined {
  const carried = check.object(raw, path);
  if (carried === undefined) return undefined;
  const before = check.problems.length;
  const value = defined({
    round: check.number(carried.round, join(path, 'round'), { integer: true, min: 2 }),
    attempts: check.array(carried.attempts, join(path, 'attempts'), (v, at) => check.object(v, at)) as CarriedRound['attempts'] | undefined,
    current: roundAsset(check, carried.current, join(path, 'current')),
    runStart: roundAsset(check, carried.runStart, join(path, 'runStart')),
    personPrompt: check.optional(carried.personPrompt, (v) => personPrompt(check, v, join(path, 'personPrompt'))),
    provider: providerName(check, carried.provider, join(path, 'provider')),
    runsBefore: check.number(carried.runsBefore, join(path, 'runsBefore'), { integer: true, min: 1 }),
    decided: check.optional(carried.decided, (v) => decidedEntry(check, v, join(path, 'decided'))),
  }) as CarriedRound;
  return check.problems.length === before ? value : undefined;
}

/** The reviewer's decision a continued run closes as it opens its round. */
function decidedEntry(check: ShapeCheck, raw: unknown, path: string): CarriedRound['decided'] {
  const entry = check.object(raw, path);
  if (entry === undefined) return undefined;
  const before = check.problems.length;
  const decision = checkUserDecision(entry.decision, { path: join(path, 'decision') });
  if (!decision.ok) check.problems.push(...decision.problems);
  const value = {
    entryId: check.number(entry.entryId, join(path, 'entryId'), { integer: true, min: 1 }),
    decision: decision.ok ? decision.value : undefined,
    decidedAt: check.string(entry.decidedAt, join(path, 'decidedAt'), { min: 1 }),
  };
  return check.problems.length === before ? (value as CarriedRound['decided']) : undefined;
}

function roundAsset(check: ShapeCheck, raw: unknown, path: string): RoundAsset | undefined {
  const asset = check.object(raw, path);
  if (asset === undefined) return undefined;
  const before = check.problems.length;
  const value = defined({
    score: check.number(asset.score, join(path, 'score'), { min: 0, max: 100 }),
    analysis: analysis(check, asset.analysis, join(path, 'analysis')),
    assetUrl: check.optional(asset.assetUrl, (v) => check.string(v, join(path, 'assetUrl'))),
    assetRef: check.optional(asset.assetRef, (v) => check.object(v, join(path, 'assetRef'))),
    provider: providerName(check, asset.provider, join(path, 'provider')),
    attemptNumber: check.optional(asset.attemptNumber, (v) => check.number(v, join(path, 'attemptNumber'), { integer: true, min: 1 })),
  }) as RoundAsset;
  return check.problems.length === before ? value : undefined;
}
