import type { JudgeVerdict } from '../../analysis/judge-verdict';
import type { PairwiseAnswer } from '../../domain/best-pick';
import type { ScenarioIssue } from '../scenario-rules';
import { withIssueNoise } from './issue-noise';
import type { JudgeMemory } from './judge-memory';
import { judge, type JudgeInput } from './judge-model';
import { judgedScore, persistentError } from './judge-noise';
import type { JudgeSettings } from './judge-settings';
import { judgedPreference } from './pairwise-model';
import { fingerprint } from './prompt-cache';
import type { RequestIdentity } from './request-identity';
import { gaussian, normalCdf, seededRng } from '../seeded-random';

/** Everything one analysis answer is made from. */
export interface AnalysisServing {
  /** What the judge model reads: the request's text and the images' measurements. */
  input: JudgeInput;
  /** The judge model's own noiseless verdict for `input`. */
  own: JudgeVerdict;
  /** The asset's true quality when no rule scripts the score: the own score plus the provider profile. */
  modelTruth: number;
  scripted: { score?: number; issues?: ScenarioIssue[] };
  settings: JudgeSettings;
  seed: number;
  identity: RequestIdentity;
  memory: JudgeMemory;
}

/**
 * The verdict served for an analysis, and the true quality behind it. A scripted score is served
 * exactly and is the truth; otherwise the score is the truth plus the (asset, view)'s persistent
 * error plus this call's noise, and the categories, recommendation and issues follow it. Scripted
 * issues are served exactly; the judge's own go through its recall and spurious defects.
 */
export function servedAnalysis(serving: AnalysisServing): { verdict: JudgeVerdict; trueQuality: number } {
  const { own, scripted, settings, seed, identity } = serving;
  const rng = serving.memory.rngFor(seed, fingerprint([identity.assetKey, identity.viewKey]));
  let trueQuality: number;
  let served: number;
  if (scripted.score !== undefined) {
    trueQuality = served = scripted.score;
  } else {
    trueQuality = serving.modelTruth;
    served = judgedScore(trueQuality, persistentError(seed, identity.assetKey, identity.viewKey, settings), settings.callSigma, rng);
  }
  const verdict =
    served === own.overallScore && scripted.issues === undefined
      ? own
      : judge({ ...serving.input, scriptedScore: served, scriptedIssues: scripted.issues });
  return { verdict: scripted.issues === undefined ? withIssueNoise(verdict, settings, rng) : verdict, trueQuality };
}

/** Everything one pairwise answer is made from. */
export interface PairwiseServing {
  firstTruth: number;
  secondTruth: number;
  /** A matching rule's scripted answer, which wins. */
  scripted?: 'first' | 'second';
  settings: JudgeSettings;
  seed: number;
  /** The two assets' image keys in the order shown, and the request's view. */
  requestKey: string;
  memory: JudgeMemory;
}

/**
 * A pairwise answer. Like a score, most of a comparer's error is its own and persistent: asked the
 * identical question again it mostly answers the same, while the other order or other frames are
 * another view with a draw of its own. The one uniform the answer is drawn with mixes a draw fixed
 * for (seed, request) with a fresh one per call, in the judge's own persistent-to-per-call
 * variance split (all persistent when the judge has neither), so each answer's chance of being
 * right stays what `pairwiseAccuracy` says.
 */
export function servedPreference(serving: PairwiseServing): PairwiseAnswer {
  if (serving.scripted !== undefined) return serving.scripted;
  const { persistentSigma, callSigma } = serving.settings;
  const total = persistentSigma ** 2 + callSigma ** 2;
  const persistentShare = total > 0 ? persistentSigma ** 2 / total : 1;
  const fixed = gaussian(seededRng(`${serving.seed}:pairwise:${serving.requestKey}`));
  const fresh = gaussian(serving.memory.rngFor(serving.seed, fingerprint(['pairwise', serving.requestKey])));
  const uniform = normalCdf(Math.sqrt(persistentShare) * fixed + Math.sqrt(1 - persistentShare) * fresh);
  return judgedPreference(serving.firstTruth, serving.secondTruth, serving.settings, () => uniform);
}
