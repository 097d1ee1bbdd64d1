import type { IssueCategory } from './analysis';

/**
 * One look at an asset (SPEC.md "Judging and choosing"): asking the identical question
 * again repeats most of a judge's error, so each judgment after the first is another view: other
 * frames of a clip, the rubric taken in another order, and, when the policy names several, another
 * model. The first view is the plain request.
 */
export interface JudgeView {
  /** 1 for the first judgment of the asset, 2 for the next… */
  number: number;
  /** The Claude model asked. */
  model: string;
  /** The order the request asks the categories to be taken in; absent: the system prompt's own order. */
  rubricOrder?: IssueCategory[];
  /** Seconds into the clip of each frame shown; absent for a still image. */
  frameTimes?: number[];
}

/** What the product's recorded judgments say about a content type, for combining new ones (src/rules/judging.ts). */
export interface JudgingHistory {
  contentType: string;
  /** The first judgment of each judged asset of the content type: how many, their mean and standard deviation. */
  scores: { count: number; mean: number; sd: number };
  /**
   * Assets judged more than once from different views: how many, and the pooled standard deviation
   * of one judgment around its asset's mean (the spread between looks at the same asset).
   */
  spread: { assets: number; sd: number };
}
