/** Replaces the default brand phrases of SPEC.md for one project. */
export interface BrandProfile {
  /** Given to Claude when it judges brand compliance. */
  guidelines?: string;
  lightingFix?: string;
  colorFix?: string;
  corporateFix?: string;
  avoid?: string;
}

export interface ProjectRef {
  id: number;
  name?: string;
  brandProfile?: BrandProfile;
  /**
   * The most the project may spend on generation and judging, in US dollars; stored with the
   * project, so a later input without it keeps it. Absent: no limit.
   */
  budgetUsd?: number;
}
