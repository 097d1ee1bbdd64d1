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
}
