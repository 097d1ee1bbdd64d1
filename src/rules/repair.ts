import { isLocalIssue, type SceneIssue } from '../domain/analysis';
import type { RegenerationPolicy } from '../domain/policy';
import type { ProviderName } from '../domain/provider';
import type { RegenerationAttempt } from '../domain/regeneration';
import type { SceneKind } from '../domain/scene';
import { EDIT_ENDPOINTS } from '../catalog/edits';
import { REPAIR_DEFAULTS } from './policy';

/** What deciding between a repair and a new generation reads of the round. */
export interface RepairSituation {
  kind: SceneKind;
  /** The round's current asset: its score and the issues its judge found. */
  score: number;
  issues: readonly SceneIssue[];
  /** Whether the current asset is stored, so an edit has something to start from. */
  hasAsset: boolean;
  /** A person gave this round a prompt or a provider: the round does as asked, a new generation. */
  personDirected?: boolean;
  /** A repair of this same asset was tried in the round and did not improve it. */
  repairFailedOnAsset?: boolean;
  policy: Pick<RegenerationPolicy, 'minScoreToPass' | 'repairBand' | 'maxRepairDefects' | 'providerFallbackOrder'>;
}

export type RepairChoice =
  | {
      repair: true;
      /** The defects the edit names, each local. */
      defects: SceneIssue[];
      /** Providers that can edit this kind of asset, the fallback order's first. */
      editors: ProviderName[];
    }
  | { repair: false; why: string };

/**
 * Issue 25, "Repair attempts": the next attempt edits the current asset instead of generating
 * anew when the asset is within `repairBand` points under the bar and its judge found only local
 * defects (each with a place in the frame), at most `maxRepairDefects` of them. A repair that did
 * not improve leaves the attempts after it to regenerate (the asset stays the one it failed on), and so does an
 * asset of a kind no provider can edit, and a round a person gave a prompt or a provider.
 */
export function chooseRepair(situation: RepairSituation): RepairChoice {
  const { policy, score, issues } = situation;
  const band = policy.repairBand ?? REPAIR_DEFAULTS.repairBand;
  const maxDefects = policy.maxRepairDefects ?? REPAIR_DEFAULTS.maxRepairDefects;
  if (situation.personDirected) return { repair: false, why: 'a person directed the round' };
  if (!situation.hasAsset) return { repair: false, why: 'no stored asset to edit' };
  if (score >= policy.minScoreToPass) return { repair: false, why: 'the asset already passes' };
  if (policy.minScoreToPass - score > band) return { repair: false, why: `more than ${band} points under the bar` };
  if (issues.length === 0) return { repair: false, why: 'the judge named no defect to fix' };
  if (!issues.every(isLocalIssue)) return { repair: false, why: 'an issue is global' };
  if (issues.length > maxDefects) return { repair: false, why: `more than ${maxDefects} local defects` };
  if (situation.repairFailedOnAsset) return { repair: false, why: 'a repair of this asset did not improve it' };
  const editors = editorsFor(situation.kind, policy.providerFallbackOrder[situation.kind]);
  if (editors.length === 0) return { repair: false, why: `no provider can edit a ${situation.kind}` };
  return { repair: true, defects: [...issues], editors };
}

/** Providers with an edit endpoint for the kind: those in the fallback order first, in its order. */
export function editorsFor(kind: SceneKind, fallbackOrder: readonly ProviderName[]): ProviderName[] {
  const able = [...new Set(EDIT_ENDPOINTS.filter((row) => row.kind === kind).map((row) => row.provider))];
  const rank = (provider: ProviderName) => {
    const at = fallbackOrder.indexOf(provider);
    return at === -1 ? fallbackOrder.length : at;
  };
  return able.sort((a, b) => rank(a) - rank(b));
}

/**
 * The edit's instruction: each defect by what is wrong and where, then what must not change
 * (everything else), so the edit keeps what the asset already does well.
 */
export function repairInstruction(defects: readonly SceneIssue[], kind: SceneKind, maxLength: number): string {
  const named = defects.map((defect, index) => `${index + 1}. ${defect.description.replace(/[\s.]+$/, '')}${where(defect, kind)}.`);
  const keep =
    kind === 'video'
      ? 'Change nothing else: keep the subject, framing, camera motion, timing, lighting and colours exactly as they are.'
      : 'Change nothing else: keep the subject, framing, lighting, colours and every other detail exactly as they are.';
  const text = `Fix only these defects: ${named.join(' ')} ${keep}`;
  return text.length <= maxLength ? text : `${text.slice(0, Math.max(0, maxLength - 1)).trimEnd()}…`;
}

function where(defect: SceneIssue, kind: SceneKind): string {
  const parts: string[] = [];
  const box = defect.region;
  if (box) parts.push(`in the area ${pct(box.x)}-${pct(box.x + box.w)} across and ${pct(box.y)}-${pct(box.y + box.h)} down the frame`);
  const span = defect.timeSpan;
  if (span && kind === 'video') parts.push(`from ${span.startS.toFixed(1)} s to ${span.endS.toFixed(1)} s`);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

function pct(fraction: number): string {
  return `${Math.round(Math.min(1, Math.max(0, fraction)) * 100)}%`;
}

/**
 * Whether the round already tried to repair the asset made by `attemptNumber` (undefined: the
 * asset the round started from) and the repair did not improve it.
 */
export function repairFailedOn(attempts: readonly Pick<RegenerationAttempt, 'kind' | 'result' | 'repair'>[], attemptNumber: number | undefined): boolean {
  return attempts.some((a) => a.kind === 'repair' && a.result === 'failed' && a.repair?.sourceAttemptNumber === attemptNumber);
}
