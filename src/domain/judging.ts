import type { SceneAnalysisResult } from './analysis';
import type { AssetRef } from './asset';
import type { PairwiseAnswer } from './best-pick';
import type { BrandProfile } from './brand';
import type { AttemptJudgment } from './regeneration';
import type { JudgeView } from './judge-view';
import { DEFAULT_ASPECT_RATIO, type Scene, type SceneKind } from './scene';

/** What the judge is told of the scene; the aspect ratio is the one the provider was asked for. */
export type SceneForAnalysis = Pick<Scene, 'id' | 'sceneType' | 'contentType' | 'narration' | 'visualDirection' | 'duration'> & {
  aspectRatio: string;
};

/**
 * The scene as the judge and the comparison are shown it: a still has no duration, and a person's
 * prompt takes the place of the visual direction it replaced, so an asset is scored against what
 * was asked for.
 */
export function sceneForAnalysis(scene: Scene, kind: SceneKind, personPrompt?: string): SceneForAnalysis {
  return {
    id: scene.id,
    sceneType: scene.sceneType,
    contentType: scene.contentType,
    narration: scene.narration,
    visualDirection: personPrompt ?? scene.visualDirection,
    duration: kind === 'video' ? scene.duration : 0,
    aspectRatio: scene.aspectRatio ?? DEFAULT_ASPECT_RATIO,
  };
}

/** One asset, judged as SPEC.md "Judging and choosing" says (activities/analysis.ts judgeAsset). */
export interface JudgeRequest {
  asset: AssetRef;
  scene: SceneForAnalysis;
  /** The prompt the asset was generated from, for the judge's improved prompt. */
  prompt: string;
  brandProfile?: BrandProfile;
  minScoreToPass: number;
  /** Points either side of the bar within which a score is judged again (policy.uncertaintyBand). */
  uncertaintyBand: number;
  /** Judgments in all, at most, for a score near the bar (policy.judgmentsNearBar). */
  judgmentsNearBar: number;
  /** policy.judgeModels: the models the judgments take in turn; absent: the configured model. */
  judgeModels?: string[];
}

export interface AnalysisUsage {
  inputTokens: number;
  outputTokens: number;
  cacheCreationInputTokens: number;
  cacheReadInputTokens: number;
  imagesSent: number;
}

/** One judgment: Claude asked once (with its corrective retry), or the technical checks alone. */
export interface Judgment {
  analysis: SceneAnalysisResult;
  costUsd: number;
  /** Absent when technical checks failed the asset without asking the model. */
  usage?: AnalysisUsage;
  modelSkipped: boolean;
  /** What the judge was shown and asked; absent when the model was not asked. */
  view?: JudgeView;
}

export interface JudgeResult {
  /** The combined verdict (src/rules/judging.ts combinedJudgment) when the asset was judged more than once. */
  analysis: SceneAnalysisResult;
  /** Every judgment made, in order, with its cost. */
  judgments: AttemptJudgment[];
  /** All of them. */
  costUsd: number;
  /** What the judgments sent and used, added up; absent when the model was never asked. */
  usage?: AnalysisUsage;
  modelSkipped: boolean;
}

/** Two judged assets of one scene whose scores are too close to choose between (SPEC.md). */
export interface CompareAssetsRequest {
  scene: SceneForAnalysis;
  brandProfile?: BrandProfile;
  /** Shown first in the first request and second in the other; the higher-ranked of the two. */
  first: AssetRef;
  second: AssetRef;
}

export interface CompareAssetsResult {
  /**
   * Claude's answer to each order, as it gave it, in the order that request showed:
   * [with `first` shown first, with `second` shown first] (what src/rules/best-pick.ts decideBest reads).
   */
  answers: [PairwiseAnswer, PairwiseAnswer];
  /** Both requests. */
  costUsd: number;
  usage?: AnalysisUsage;
}
