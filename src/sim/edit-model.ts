import { z } from 'zod';
import type { IssueRegion } from '../domain/analysis';
import type { ProviderName } from '../domain/provider';
import { seededRng } from './seeded-random';

/**
 * How the simulated edit endpoints behave: each named defect is fixed with its
 * provider's chance, and an edit sometimes damages something it was not asked to touch. Invented
 * for the simulator; settable through POST /_sim/settings `edit`.
 */
export interface EditSettings {
  fixChance: Partial<Record<ProviderName, number>>;
  damageRate: number;
  /** Points the simulator's own judge takes from an edited asset's true quality for its damage. */
  damagePoints: number;
}

export const DEFAULT_EDIT_SETTINGS: Readonly<EditSettings> = { fixChance: { falai: 0.85, runway: 0.8 }, damageRate: 0.1, damagePoints: 8 };

const chance = z.number({ error: 'must be a chance from 0 to 1' }).min(0, 'must be a chance from 0 to 1').max(1, 'must be a chance from 0 to 1');

export const EditSettingsPatchSchema = z
  .object({
    fixChance: z.object({ falai: chance.optional(), runway: chance.optional() }).strict().optional(),
    damageRate: chance.optional(),
    damagePoints: z.number({ error: 'must be a number of points from 0 to 100' }).min(0, 'must be a number of points from 0 to 100').max(100, 'must be a number of points from 0 to 100').optional(),
  })
  .strict();

export function withEditPatch(base: EditSettings, patch: z.infer<typeof EditSettingsPatchSchema> | undefined): EditSettings {
  return { fixChance: { ...base.fixChance, ...patch?.fixChance }, damageRate: patch?.damageRate ?? base.damageRate, damagePoints: patch?.damagePoints ?? base.damagePoints };
}

/**
 * The places an instruction names, read with the simulator's own vocabulary: "40%-60% across and
 * 30%-50% down". An instruction that names none is an edit of the whole frame.
 */
export function editAreas(instruction: string): IssueRegion[] {
  const areas: IssueRegion[] = [];
  const pattern = /(\d{1,3})%\s*-\s*(\d{1,3})%\s+across\s+and\s+(\d{1,3})%\s*-\s*(\d{1,3})%\s+down/gi;
  for (const match of instruction.matchAll(pattern)) {
    const [x0, x1, y0, y1] = match.slice(1, 5).map((value) => Math.min(100, Number(value)) / 100);
    if (x1 > x0 && y1 > y0) areas.push({ x: x0, y: y0, w: x1 - x0, h: y1 - y0 });
  }
  return areas;
}

/** What one edit did: which named places it fixed, and where it damaged something else. */
export interface EditOutcome {
  fixed: IssueRegion[];
  missed: IssueRegion[];
  damaged?: IssueRegion;
}

/** The edit's draws, seeded by the simulator's seed and the request, so a run replays exactly. */
export function editOutcome(areas: readonly IssueRegion[], provider: ProviderName, settings: Pick<EditSettings, 'fixChance' | 'damageRate'>, seedKey: string): EditOutcome {
  const rng = seededRng(`edit:${seedKey}`);
  const fixChance = settings.fixChance[provider] ?? 0;
  const fixed: IssueRegion[] = [];
  const missed: IssueRegion[] = [];
  for (const area of areas) (rng() < fixChance ? fixed : missed).push(area);
  if (rng() >= settings.damageRate) return { fixed, missed };
  // Somewhere the instruction did not name: a small box in a corner away from the first area.
  const first = areas[0] ?? { x: 0, y: 0, w: 0, h: 0 };
  const damaged = { x: first.x < 0.5 ? 0.8 : 0.05, y: first.y < 0.5 ? 0.75 : 0.05, w: 0.12, h: 0.15 };
  return { fixed, missed, damaged };
}
