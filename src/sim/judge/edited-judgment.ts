import type { IssueRegion, IssueSeverity, SceneIssue } from '../../domain/analysis';
import { clamp } from '../media/prompt-look';
import type { EditOutcome } from '../edit-model';
import type { EditRecord, PictureMemory } from './picture-memory';
import type { PicturePrint } from './picture-print';

/**
 * What the simulator's own judge makes of an edit it recognises (picture-memory.ts): the edited
 * asset keeps its source's true quality, wins back the points of each local defect the edit
 * fixed, and loses the damage's points; the fixed defects leave the issue list and the damage
 * joins it as a local issue of its own.
 */

/** Points a local defect (an issue with a region) takes from the true quality. Invented for the simulator. */
export const LOCAL_DEFECT_POINTS: Readonly<Record<IssueSeverity, number>> = { low: 3, medium: 6, high: 10, critical: 15 };

/** The points the local defects among these issues cost. */
export function localDefectPoints(issues: readonly SceneIssue[] | undefined): number {
  return (issues ?? []).reduce((sum, issue) => sum + (issue.region ? LOCAL_DEFECT_POINTS[issue.severity] : 0), 0);
}

/**
 * The true quality of one judged asset, shown as a still or as a clip's frames: the judge's own
 * reading less its local defects, or, for an edit the simulator recognises, its source's (as
 * judged before, else this reading) with the edit's fixes and damage.
 */
export function shownTruth(
  pictures: PictureMemory,
  prints: readonly PicturePrint[],
  own: { truth: number; issues: readonly SceneIssue[] },
  damagePoints: number,
): { truth: number; edit?: EditRecord } {
  const truth = Math.max(0, own.truth - localDefectPoints(own.issues));
  const edit = prints.length === 0 ? undefined : pictures.editShown(prints);
  if (edit === undefined) return { truth };
  const sourceTruth = pictures.judgedTruthOf(edit.frames.map((frame) => frame.sourcePrint)) ?? truth;
  return { truth: editedTrueQuality(sourceTruth, own.issues, edit.outcome, damagePoints), edit };
}

/** The true quality of the edit of a source whose true quality and issues are these. */
export function editedTrueQuality(sourceTruth: number, sourceIssues: readonly SceneIssue[], outcome: EditOutcome, damagePoints: number): number {
  const won = localDefectPoints(sourceIssues.filter((issue) => fixedBy(issue, outcome)));
  return clamp(sourceTruth + won - (outcome.damaged ? damagePoints : 0), 0, 100);
}

/** The issues a judge finds in the edit: the source's, less those fixed, plus the damage. */
export function editedIssues(issues: readonly SceneIssue[], outcome: EditOutcome): SceneIssue[] {
  const kept = issues.filter((issue) => !fixedBy(issue, outcome));
  if (outcome.damaged === undefined) return kept;
  return [...kept, { category: 'ai_artifacts', severity: 'high', description: 'A harsh magenta block breaks the picture where nothing was asked to change', region: outcome.damaged }];
}

/** A local defect is fixed when a fixed place covers most of it, and it most of the place. */
function fixedBy(issue: SceneIssue, outcome: EditOutcome): boolean {
  const region = issue.region;
  return region !== undefined && outcome.fixed.some((area) => overlapShare(region, area) >= 0.5);
}

/** Intersection over union of two boxes. */
function overlapShare(a: IssueRegion, b: IssueRegion): number {
  const w = Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x));
  const h = Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y));
  const inter = w * h;
  const union = a.w * a.h + b.w * b.h - inter;
  return union > 0 ? inter / union : 0;
}
